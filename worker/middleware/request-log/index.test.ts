import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logsRequests, type RequestLogVariables, requestLog, streamLabel } from "./index.js";

type LogEnv = { Bindings: { LOG?: string }; Variables: RequestLogVariables };

/** An app whose handler names an operation and a stream, then answers `status`. */
function appAnswering(status: number): Hono<LogEnv> {
  const app = new Hono<LogEnv>();
  app.use(requestLog());
  app.all("*", (c) => {
    c.set("operation", "PutRecords");
    c.set("stream", "demo");
    return new Response(null, { status });
  });
  return app;
}

describe("requestLog", () => {
  afterEach(() => vi.restoreAllMocks());

  it("with LOG=requests, writes one line: time, operation, stream, status, ms", async () => {
    const lines: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => lines.push(line));
    const response = await appAnswering(400).request("/", { method: "POST" }, { LOG: "requests" });
    expect(response.status).toBe(400);
    expect(lines).toHaveLength(1);
    expect(String(lines[0])).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z PutRecords demo 400 \d+ms$/,
    );
  });

  it("writes nothing when LOG is unset, empty or names something else", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    for (const LOG of [undefined, "", "errors"]) {
      await appAnswering(200).request("/", { method: "POST" }, LOG === undefined ? {} : { LOG });
    }
    expect(log).not.toHaveBeenCalled();
  });

  it("reads LOG as a list of words, in any case", () => {
    expect(logsRequests("requests")).toBe(true);
    expect(logsRequests("REQUESTS")).toBe(true);
    expect(logsRequests("errors,requests")).toBe(true);
    expect(logsRequests("requestsx")).toBe(false);
  });
});

describe("streamLabel", () => {
  it("names the stream of StreamName, or of an ARN member", () => {
    expect(streamLabel({ StreamName: "demo" })).toBe("demo");
    expect(streamLabel({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s1" })).toBe(
      "s1",
    );
    expect(
      streamLabel({
        ConsumerARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s2/consumer/c:1",
      }),
    ).toBe("s2");
    expect(streamLabel({ ResourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s3" })).toBe(
      "s3",
    );
  });

  it("is a dash for a body that names no stream", () => {
    expect(streamLabel({})).toBe("-");
    expect(streamLabel({ StreamName: 7 })).toBe("-");
  });
});
