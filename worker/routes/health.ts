/**
 * GET /health: a liveness answer for docker-compose health checks and
 * Kubernetes probes, which carry no AWS credentials. It says only that the
 * Worker is serving, and which version.
 */
import type { Handler } from "hono";
import packageJson from "../../package.json" with { type: "json" };

/** The answer's body. */
export interface Health {
  readonly status: "ok";
  readonly version: string;
}

/**
 * @example
 * app.get("/health", health());
 */
export function health(): Handler {
  const body: Health = { status: "ok", version: packageJson.version };
  const text = JSON.stringify(body);
  return function healthHandler() {
    return new Response(text, { headers: { "content-type": "application/json" } });
  };
}
