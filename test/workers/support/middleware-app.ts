/**
 * A Hono app for the middleware tests that sit beside each middleware: one
 * middleware, one handler, and an error handler that renders any thrown
 * `KinesisError` as `{ type, message, status }`, so a test reads what the
 * middleware refused without the service's own renderer.
 */
import { type Context, Hono, type Env as HonoEnv, type MiddlewareHandler } from "hono";
import { isKinesisError } from "../../../src/kinesis/errors/index.js";

export function appWith<E extends HonoEnv>(
  middleware: MiddlewareHandler<E>,
  handler: (c: Context<E>) => Response | Promise<Response>,
): Hono<E> {
  const app = new Hono<E>();
  app.use(middleware);
  app.all("*", handler);
  app.onError((error) => {
    if (!isKinesisError(error)) throw error;
    return Response.json(
      { type: error.type, message: error.message, status: error.status },
      { status: error.status },
    );
  });
  return app;
}

/** The JSON an answer carries, undecoded by type: tests narrow what they read. */
export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  const value: unknown = JSON.parse(new TextDecoder().decode(await response.arrayBuffer()));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`not a JSON object: ${JSON.stringify(value)}`);
  }
  return Object.fromEntries(Object.entries(value));
}
