/**
 * Where the conformance suites send their requests: inside workerd, to the
 * Worker under test (the `workers` project), or over HTTP to any Kinesis
 * endpoint named by the CONFORMANCE_ENDPOINT binding (the `conformance`
 * project: `npm start` in `npm test`, or whatever `npm run conformance --
 * --endpoint URL` names, kinesalite and AWS included).
 *
 * A test that reaches into the service (a Durable Object's clock, limits or
 * storage, the Worker's own modules) cannot run against an endpoint it only
 * reaches over HTTP: it is declared with `itInside` or `describeInside`, and
 * skipped there.
 */
import { env, exports } from "cloudflare:workers";
import { describe, it } from "vitest";

const configured: unknown = Reflect.get(env, "CONFORMANCE_ENDPOINT");

/** The endpoint the suites call over HTTP, or undefined inside workerd. */
export const ENDPOINT: string | undefined =
  typeof configured === "string" && configured !== "" ? configured : undefined;

/**
 * Sends a request to the service under test. `path` and the query string go
 * to the endpoint as given.
 */
export function dispatch(pathAndQuery: string, init: RequestInit): Promise<Response> {
  if (ENDPOINT === undefined) return exports.default.fetch(`http://localhost${pathAndQuery}`, init);
  return fetch(new URL(pathAndQuery, ENDPOINT), init);
}

/** A test that reaches into the service: it runs inside workerd only. */
export const itInside = ENDPOINT === undefined ? it : it.skip;

/** A block of tests that reach into the service: they run inside workerd only. */
export const describeInside = ENDPOINT === undefined ? describe : describe.skip;
