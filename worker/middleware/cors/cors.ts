import type { MiddlewareHandler } from "hono";

/** Headers a browser client may read from responses. */
const EXPOSED =
  "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,x-amz-request-id,x-amz-id-2,Date";

/**
 * CORS for browsers calling the API directly: preflights are answered with
 * what they ask for, and responses expose AWS's request-id and error headers.
 *
 * @example
 * app.use(cors());
 */
export function cors(): MiddlewareHandler {
  return async function corsMiddleware(c, next) {
    const origin = c.req.header("origin");
    if (!origin) return next();
    if (c.req.method === "OPTIONS") {
      const headers = new Headers({
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Max-Age": "172800",
      });
      const askedHeaders = c.req.header("access-control-request-headers");
      const askedMethod = c.req.header("access-control-request-method");
      if (askedHeaders) headers.set("Access-Control-Allow-Headers", askedHeaders);
      if (askedMethod) headers.set("Access-Control-Allow-Methods", askedMethod);
      return new Response(null, { status: 200, headers });
    }
    await next();
    c.res.headers.set("Access-Control-Allow-Origin", "*");
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSED);
  };
}
