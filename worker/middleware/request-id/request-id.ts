import type { MiddlewareHandler } from "hono";

/**
 * Gives every response an `x-amzn-RequestId`, as AWS does, and makes the id
 * available to handlers as `c.get("requestId")`.
 *
 * @example
 * app.use(requestId());
 */
export function requestId(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async function requestIdMiddleware(c, next) {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    await next();
    c.res.headers.set("x-amzn-RequestId", id);
  };
}
