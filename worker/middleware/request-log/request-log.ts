/**
 * LOG=requests: one line per call, written when the answer is ready, with
 * the time the call arrived, the operation, the stream, the status and how
 * long it took:
 *
 *   2026-12-02T17:40:01.123Z PutRecords demo 200 3ms
 *
 * It goes to the Worker's console, which is the terminal under npm start and
 * `wrangler tail` on the edge. Off (the default), it costs one comparison.
 */
import type { MiddlewareHandler } from "hono";

export type RequestLogVariables = {
  /** The operation, once the protocol has read it. */
  operation?: string;
  /** The stream the call names, once its body is decoded (see `streamLabel`). */
  stream?: string;
};

/** Whether the LOG setting asks for request lines: a list of words, such as "requests". */
export function logsRequests(setting: string | undefined): boolean {
  return (setting ?? "")
    .toLowerCase()
    .split(/[\s,]+/)
    .includes("requests");
}

/**
 * The stream a decoded body names: its StreamName, or the stream in its
 * StreamARN, ResourceARN or ConsumerARN; "-" when it names none (ListStreams)
 * or was not decoded.
 */
export function streamLabel(body: Record<string, unknown>): string {
  if (typeof body.StreamName === "string") return body.StreamName;
  for (const member of ["StreamARN", "ResourceARN", "ConsumerARN"]) {
    const arn = body[member];
    if (typeof arn === "string") {
      const name = /:stream\/([^/]+)/.exec(arn)?.[1];
      if (name !== undefined) return name;
    }
  }
  return "-";
}

/**
 * @example
 * app.use(requestLog());
 */
export function requestLog(): MiddlewareHandler<{
  Bindings: { LOG?: string };
  Variables: RequestLogVariables;
}> {
  return async function requestLogMiddleware(c, next) {
    if (!logsRequests(c.env?.LOG)) return next();
    const arrived = new Date();
    const started = performance.now();
    await next();
    // workerd's clock advances only across I/O, which a call always does.
    const ms = Math.round(performance.now() - started);
    const operation = c.var.operation ?? "-";
    console.log(
      `${arrived.toISOString()} ${operation} ${c.var.stream ?? "-"} ${c.res.status} ${ms}ms`,
    );
  };
}
