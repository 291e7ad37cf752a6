/**
 * The `conformance` project's global setup: the endpoint its suites call
 * over HTTP. With CONFORMANCE_ENDPOINT set (`npm run conformance -- --endpoint
 * URL`) that endpoint; otherwise the service as `npm start` runs it, on a
 * fresh data directory, with the settings the suites inside workerd have.
 */
import type { TestProject } from "vitest/node";
import { startOnFreshDirectory } from "./process.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Kinesis endpoint the conformance suites call. */
    conformanceEndpoint: string;
  }
}

/**
 * Inside workerd every test file has storage of its own; one service over
 * HTTP keeps every file's streams, so its account needs room for all of
 * them. The suites read the limit from this binding (vitest.config.ts), and
 * the service runs with the same.
 */
export const CONFORMANCE_BINDINGS = {
  SHARD_LIMIT: process.env.CONFORMANCE_SHARD_LIMIT ?? "100000",
};

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.CONFORMANCE_ENDPOINT;
  if (given) {
    project.provide("conformanceEndpoint", given);
    return;
  }
  const service = await startOnFreshDirectory("conformance", {
    CREATE_STREAM_MS: "0",
    DELETE_STREAM_MS: "0",
    KINESIS_LIMITS: "off",
    ...CONFORMANCE_BINDINGS,
  });
  project.provide("conformanceEndpoint", service.endpoint);
  return () => service.stop();
}
