import { encode as cbor } from "cborg";
import { describe, expect, it } from "vitest";
import { appWith, jsonOf } from "../../../test/workers/support/middleware-app.js";
import { kinesisProtocol, type ProtocolVariables } from "./index.js";

const TARGET = "Kinesis_20131202.ListStreams";
const JSON_TYPE = "application/x-amz-json-1.1";

const app = appWith<{ Variables: ProtocolVariables }>(
  kinesisProtocol({ maxBodyBytes: 64, serves: (op) => op !== "SubscribeToShard" }),
  (c) =>
    Response.json({
      operation: c.var.operation,
      codec: c.var.codec.contentType,
      body: c.var.body,
    }),
);

function post(headers: Record<string, string>, body?: BodyInit): Promise<Response> {
  return Promise.resolve(app.request("/", { method: "POST", headers, body }));
}

describe("kinesisProtocol", () => {
  it("reads the operation, the codec and the body of a JSON request", async () => {
    const res = await post({ "content-type": JSON_TYPE, "x-amz-target": TARGET }, '{"Limit":2}');
    expect(await jsonOf(res)).toEqual({
      operation: "ListStreams",
      codec: JSON_TYPE,
      body: { Limit: 2 },
    });
  });

  it("reads a CBOR request with the CBOR codec", async () => {
    const res = await post(
      { "content-type": "application/x-amz-cbor-1.1", "x-amz-target": TARGET },
      cbor({ Limit: 3 }),
    );
    expect(await jsonOf(res)).toEqual({
      operation: "ListStreams",
      codec: "application/x-amz-cbor-1.1",
      body: { Limit: 3 },
    });
  });

  it("answers a method other than POST with AccessDeniedException in XML", async () => {
    const res = await app.request("/", { method: "GET" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<AccessDeniedException>");
  });

  it("answers an unknown content type with a target with a bare 404 UnknownOperationException", async () => {
    const res = await post({ "content-type": "text/plain", "x-amz-target": TARGET }, "{}");
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("<UnknownOperationException/>\n");
  });

  it("refuses a body that is not a structure with SerializationException", async () => {
    const res = await post({ "content-type": JSON_TYPE, "x-amz-target": TARGET }, "[1]");
    expect(await jsonOf(res)).toEqual({ type: "SerializationException", message: "", status: 400 });
  });

  it("refuses an unknown target with UnknownOperationException", async () => {
    const res = await post(
      { "content-type": JSON_TYPE, "x-amz-target": "Kinesis_20131202.Nope" },
      "{}",
    );
    expect(await jsonOf(res)).toMatchObject({ type: "UnknownOperationException" });
  });

  it("refuses an operation of the model the endpoint does not serve", async () => {
    const res = await post(
      { "content-type": JSON_TYPE, "x-amz-target": "Kinesis_20131202.SubscribeToShard" },
      "{}",
    );
    expect(await jsonOf(res)).toEqual({
      type: "UnknownOperationException",
      message: "Operation SubscribeToShard is not supported by this endpoint yet.",
      status: 400,
    });
  });

  it("refuses a body declared over the limit with 413", async () => {
    const res = await post(
      { "content-type": JSON_TYPE, "x-amz-target": TARGET, "content-length": "65" },
      "x".repeat(65),
    );
    expect(res.status).toBe(413);
  });

  it("stops reading a streamed body once it passes the limit, with 413", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++;
          if (pulled > 100) controller.close();
          else controller.enqueue(new Uint8Array(40));
        },
      },
      { highWaterMark: 0 },
    );
    const res = await post({ "content-type": JSON_TYPE, "x-amz-target": TARGET }, body);
    expect(res.status).toBe(413);
    // 64 bytes are passed on the second chunk of 40; a few more may be
    // buffered ahead, never the 100 the client would send.
    expect(pulled).toBeLessThan(10);
  });
});
