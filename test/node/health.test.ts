/**
 * GET /health on the service as users start it (npm start), through the
 * HTTP/2 front, as a compose or Kubernetes probe would call it.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";
import { projectRoot } from "./support/service.js";

let service: StartedOnFreshDirectory;

beforeAll(async () => {
  service = await startOnFreshDirectory("health");
});

afterAll(async () => {
  await service?.stop();
});

describe("npm start", () => {
  it("answers GET /health with ok and the package's version", async () => {
    const manifest: unknown = JSON.parse(
      await readFile(path.join(projectRoot, "package.json"), "utf8"),
    );
    const version =
      manifest !== null && typeof manifest === "object" ? Reflect.get(manifest, "version") : "";
    const res = await fetch(new URL("/health", service.endpoint));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version });
  });
});
