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

/** A request the handler holds until it is let go, to keep its body's bytes charged. */
function heldApp(bodyBudgetBytes: number) {
  const held: (() => void)[] = [];
  const app = appWith<{ Variables: ProtocolVariables }>(
    kinesisProtocol({ maxBodyBytes: 64, bodyBudgetBytes, serves: () => true }),
    async () => {
      await new Promise<void>((release) => held.push(release));
      return new Response("done");
    },
  );
  const send = (bytes: number) =>
    Promise.resolve(
      app.request("/", {
        method: "POST",
        headers: {
          "content-type": JSON_TYPE,
          "x-amz-target": TARGET,
          "content-length": String(bytes),
        },
        body: `{"a":"${"x".repeat(bytes - 8)}"}`,
      }),
    );
  /** Resolves once `count` requests are in the handler. */
  const inHandler = async (count: number) => {
    while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return { send, held, inHandler };
}

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

  describe("the body budget", () => {
    it("holds a body that does not fit until an earlier one is answered", async () => {
      const { send, held, inHandler } = heldApp(100);
      const first = send(60);
      await inHandler(1);
      let secondAnswered = false;
      const second = send(60).then((res) => {
        secondAnswered = true;
        return res;
      });
      // A turn of the event loop runs everything an admitted request would
      // do before its handler; the second has not got there.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(held).toHaveLength(1);
      expect(secondAnswered).toBe(false);
      held[0]?.();
      await inHandler(2);
      held[1]?.();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
    });

    it("lets bodies that fit together run together", async () => {
      const { send, held, inHandler } = heldApp(100);
      const answers = [send(40), send(40)];
      await inHandler(2);
      for (const release of held) release();
      expect((await Promise.all(answers)).map((res) => res.status)).toEqual([200, 200]);
    });

    it("lets a body larger than the budget, within the limit, run alone", async () => {
      const { send, held, inHandler } = heldApp(30);
      const answer = send(60);
      await inHandler(1);
      held[0]?.();
      expect((await answer).status).toBe(200);
    });

    it("gives the bytes back when a request is refused", async () => {
      const app = appWith<{ Variables: ProtocolVariables }>(
        kinesisProtocol({ maxBodyBytes: 64, bodyBudgetBytes: 60, serves: () => true }),
        () => new Response("done"),
      );
      const send = (body: string) =>
        Promise.resolve(
          app.request("/", {
            method: "POST",
            headers: { "content-type": JSON_TYPE, "x-amz-target": TARGET },
            body,
          }),
        );
      // Each refusal (not a structure) would leave the budget short if it kept its bytes.
      for (let i = 0; i < 3; i++) expect((await send(`[${"1,".repeat(25)}1]`)).status).toBe(400);
      expect((await send("{}")).status).toBe(200);
    });
  });
});
