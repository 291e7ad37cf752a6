/**
 * The shard's subscribers, over the shard's own RPC as the Worker calls it:
 * the event stream opens with initial-response, stored records come first,
 * then every append is pushed; the one-subscription rule and its takeover;
 * the end of a closed shard; a session's end; the per-consumer limit.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EventStreamDecoder, type EventStreamMessage } from "../../../src/protocol/event-stream.js";
import type { AppendEntry, ShardConfig, SubscribeRequest } from "../../../worker/shard/contract.js";
import { pack } from "../../../worker/shard/segment.js";
import type { Shard } from "../../../worker/shard/shard.js";
import { TEST_SEAM } from "../../../worker/test-seam.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MiB = 1024 * 1024;

function hex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

function config(): ShardConfig {
  return {
    account: "000000000000",
    region: "us-east-1",
    streamName: "pushed",
    incarnation: hex(16),
    epoch: Date.now(),
    shardId: "shardId-000000000000",
    shardIndex: 0,
    startingHashKey: "0",
    endingHashKey: "340282366920938463463374607431768211455",
    retentionHours: 24,
    iteratorKey: hex(32),
    createdAt: Date.now(),
  };
}

async function shard() {
  const cfg = config();
  const stub = env.SHARD.get(env.SHARD.idFromName(`${cfg.incarnation}/${cfg.shardId}`));
  await stub.init(cfg);
  return { cfg, stub };
}
type Stub = Awaited<ReturnType<typeof shard>>["stub"];

const entry = (data: string): AppendEntry => ({
  key: encoder.encode("pk"),
  data: encoder.encode(data),
});

async function append(stub: Stub, ...data: string[]): Promise<string[]> {
  const result = await stub.append(pack(data.map(entry)));
  if (!("ok" in result)) throw new Error(`append answered ${JSON.stringify(result)}`);
  return result.ok.sequenceNumbers;
}

const CONSUMER = "arn:aws:kinesis:us-east-1:000000000000:stream/pushed/consumer/reader:1";

function request(
  type: SubscribeRequest["start"]["type"],
  extra: Partial<SubscribeRequest["start"]> = {},
): SubscribeRequest {
  return { consumerArn: CONSUMER, consumerName: "reader", start: { type, ...extra }, wire: "json" };
}

interface Pushed {
  type: string;
  exception: boolean;
  body: Record<string, unknown>;
}

/** Reads a subscription's event stream message by message. */
function reader(stream: ReadableStream<Uint8Array>) {
  const source = stream.getReader();
  const frames = new EventStreamDecoder();
  const queued: EventStreamMessage[] = [];
  const next = async (): Promise<Pushed | undefined> => {
    while (queued.length === 0) {
      const chunk = await source.read();
      if (chunk.done) return undefined;
      queued.push(...frames.push(chunk.value));
    }
    const message = queued.shift();
    if (!message) return undefined;
    const exception = message.headers[":message-type"] === "exception";
    const type = message.headers[exception ? ":exception-type" : ":event-type"];
    const parsed: unknown = JSON.parse(decoder.decode(message.payload));
    return {
      type: typeof type === "string" ? type : "",
      exception,
      body:
        parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {},
    };
  };
  /** Events until `count` records have come; the records' data as text. */
  const records = async (count: number): Promise<{ texts: string[]; events: Pushed[] }> => {
    const texts: string[] = [];
    const events: Pushed[] = [];
    while (texts.length < count) {
      const event = await next();
      if (!event) throw new Error(`the stream ended after ${texts.length} records`);
      events.push(event);
      for (const r of (event.body.Records ?? []) as { Data: string }[]) {
        texts.push(decoder.decode(Uint8Array.from(atob(r.Data), (c) => c.charCodeAt(0))));
      }
    }
    return { texts, events };
  };
  return { next, records, cancel: () => source.cancel() };
}

async function subscribe(stub: Stub, req: SubscribeRequest) {
  const reply = await stub.subscribe(req);
  if (!("ok" in reply)) throw new Error(`subscribe answered ${JSON.stringify(reply)}`);
  return reader(reply.ok);
}

describe("a shard's subscribers", () => {
  it("opens with initial-response, sends the stored records, then pushes each append", async () => {
    const { stub } = await shard();
    await append(stub, "one", "two");
    const sub = await subscribe(stub, request("TRIM_HORIZON"));
    expect(await sub.next()).toMatchObject({ type: "initial-response", body: {} });
    expect((await sub.records(2)).texts).toEqual(["one", "two"]);
    const [three] = await append(stub, "three");
    const pushed = await sub.records(1);
    expect(pushed.texts).toEqual(["three"]);
    expect(pushed.events.at(-1)?.body).toMatchObject({
      ContinuationSequenceNumber: three,
      MillisBehindLatest: 0,
    });
    await sub.cancel();
  });

  it("pushes every append, in order, to every subscriber", async () => {
    const { stub } = await shard();
    const subs = [];
    for (let i = 0; i < 10; i++) {
      const sub = await subscribe(stub, { ...request("LATEST"), consumerArn: `${CONSUMER}${i}` });
      expect((await sub.next())?.type).toBe("initial-response");
      subs.push(sub);
    }
    const sent = Array.from({ length: 50 }, (_, i) => `r${i}`);
    for (let i = 0; i < sent.length; i += 5) await append(stub, ...sent.slice(i, i + 5));
    for (const sub of subs) {
      expect((await sub.records(sent.length)).texts).toEqual(sent);
      await sub.cancel();
    }
  });

  it("starts after a sequence number, and refuses one of another shard", async () => {
    const { stub } = await shard();
    const [first] = await append(stub, "a", "b");
    const sub = await subscribe(stub, request("AFTER_SEQUENCE_NUMBER", { sequenceNumber: first }));
    expect((await sub.next())?.type).toBe("initial-response");
    expect((await sub.records(1)).texts).toEqual(["b"]);
    await sub.cancel();
    const other = `49${"0".repeat(14)}${"1".padStart(10, "0")}${"1".padStart(20, "0")}`;
    const refused = await stub.subscribe({
      ...request("AT_SEQUENCE_NUMBER", { sequenceNumber: other }),
      consumerArn: `${CONSUMER}x`,
    });
    expect(refused).toMatchObject({ error: { type: "InvalidArgumentException" } });
  });

  it("refuses a second subscription of a consumer within 5 s, and lets one after take over", async () => {
    const { stub } = await shard();
    const clock = { now: Date.now() };
    await runInDurableObject(stub, (instance: Shard) => {
      instance[TEST_SEAM].setClock(() => clock.now);
    });
    const older = await subscribe(stub, request("LATEST"));
    expect((await older.next())?.type).toBe("initial-response");
    expect(await stub.subscribe(request("LATEST"))).toMatchObject({
      error: {
        type: "ResourceInUseException",
        message:
          "Another active subscription exists for this consumer: 000000000000:pushed:shardId-000000000000:reader",
      },
    });
    clock.now += 5000;
    const newer = await subscribe(stub, request("LATEST"));
    expect((await newer.next())?.type).toBe("initial-response");
    expect(await older.next()).toMatchObject({ type: "ResourceInUseException", exception: true });
    expect(await older.next()).toBeUndefined();
    await append(stub, "for the newer");
    expect((await newer.records(1)).texts).toEqual(["for the newer"]);
    await newer.cancel();
  });

  it("sends the closed shard's children at its end, without a continuation, and ends", async () => {
    const { stub } = await shard();
    await append(stub, "last");
    const sub = await subscribe(stub, request("TRIM_HORIZON"));
    expect((await sub.next())?.type).toBe("initial-response");
    expect((await sub.records(1)).texts).toEqual(["last"]);
    const children = [
      {
        ShardId: "shardId-000000000001",
        ParentShards: ["shardId-000000000000"],
        HashKeyRange: { StartingHashKey: "0", EndingHashKey: "1" },
      },
    ];
    await stub.close(children);
    let end = await sub.next();
    while (end && end.body.ChildShards === undefined) end = await sub.next();
    expect(end?.body).toMatchObject({ Records: [], ChildShards: children });
    expect(end?.body.ContinuationSequenceNumber).toBeUndefined();
    expect(await sub.next()).toBeUndefined();
  });

  it("ends a session cleanly after SUBSCRIBE_SESSION_MS", async () => {
    const { stub } = await shard();
    await runInDurableObject(stub, (instance: Shard) => {
      instance[TEST_SEAM].setVars({ SUBSCRIBE_SESSION_MS: "200" });
    });
    const sub = await subscribe(stub, request("LATEST"));
    expect((await sub.next())?.type).toBe("initial-response");
    let event = await sub.next();
    while (event) {
      expect(event.exception).toBe(false);
      event = await sub.next();
    }
  });

  it("ends every subscription with ResourceNotFoundException when the stream is deleted", async () => {
    const { stub } = await shard();
    const sub = await subscribe(stub, request("LATEST"));
    expect((await sub.next())?.type).toBe("initial-response");
    await stub.drop();
    expect(await sub.next()).toMatchObject({ type: "ResourceNotFoundException", exception: true });
    expect(await sub.next()).toBeUndefined();
  });

  it("gives a consumer 2 MiB/s of the shard, lending a read into debt as GetRecords' bucket does", async () => {
    const { stub } = await shard();
    const big = "x".repeat(MiB - 64);
    await append(stub, big, big, big, big, big);
    const clock = { now: Date.now() };
    await runInDurableObject(stub, (instance: Shard) => {
      instance[TEST_SEAM].setClock(() => clock.now);
      instance[TEST_SEAM].setVars({ KINESIS_LIMITS: "on" });
    });
    const sub = await subscribe(stub, request("TRIM_HORIZON"));
    expect((await sub.next())?.type).toBe("initial-response");
    // Two records fill the 2 MiB; one more is lent; then the clock must move.
    const first = await sub.records(3);
    expect(first.texts).toHaveLength(3);
    expect(first.events.at(-1)?.body.MillisBehindLatest).toBeTypeOf("number");
    clock.now += 1000;
    expect((await sub.records(2)).texts).toHaveLength(2);
    await sub.cancel();
  });

  it("forgets a subscriber that went away by the end of its session, even with a write in flight", async () => {
    const { stub } = await shard();
    await runInDurableObject(stub, (instance: Shard) => {
      instance[TEST_SEAM].setVars({ SUBSCRIBE_SESSION_MS: "300" });
    });
    const sub = await subscribe(stub, request("LATEST"));
    expect((await sub.next())?.type).toBe("initial-response");
    await sub.cancel();
    // A push to a client gone unnoticed: the write never settles.
    await append(stub, "after the cancel");
    await expect
      .poll(() => runInDurableObject(stub, (instance: Shard) => instance.subscriberCount()))
      .toBe(0);
  });
});
