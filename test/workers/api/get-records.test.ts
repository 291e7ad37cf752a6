import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../../worker/shard/shard.js";
import { TEST_SEAM } from "../../../worker/test-seam.js";
import {
  b64,
  call,
  createStream,
  expectError,
  expectValidation,
  failure,
  getRecords,
  ok,
  PATTERN,
  type RecordOut,
  refusesWrongTypes,
  rule,
  shardIterator,
  shardObject,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "GetRecords";
const SHARD0 = "shardId-000000000000";
const MiB = 1024 * 1024;

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

async function put(name: string, data: string, key = "a"): Promise<string> {
  const answer = await ok("PutRecord", { StreamName: name, PartitionKey: key, Data: b64(data) });
  return String(answer.SequenceNumber);
}

async function setClock(name: string, now: number): Promise<void> {
  await runInDurableObject(await shardObject(name, SHARD0), (instance: Shard) => {
    instance[TEST_SEAM].setClock(() => now);
  });
}

/** Replaces the character at `index` with a different base64 character. */
function flip(token: string, index: number): string {
  const c = token.charAt(index);
  const other = c === "A" ? "B" : "A";
  return token.slice(0, index) + other + token.slice(index + 1);
}

describeEachWire("GetRecords", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["ShardIterator", "String"],
      ["Limit", "Integer"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires ShardIterator", async () => {
      await expectValidation(OP, {}, [failure("null", "shardIterator", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { ShardIterator: "", Limit: 0, StreamARN: "", StreamId: "" }, [
        failure("''", "shardIterator", rule.minLength(1)),
        failure("'0'", "limit", rule.minValue(1)),
        failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
        failure("''", "streamARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    it("checks every member's upper bounds, in model order", async () => {
      const iterator = "a".repeat(513);
      await expectValidation(OP, { ShardIterator: iterator, Limit: 10001 }, [
        failure(`'${iterator}'`, "shardIterator", rule.maxLength(512)),
        failure("'10001'", "limit", rule.maxValue(10000)),
      ]);
    });

    it("refuses an iterator it did not issue", async () => {
      for (const iterator of [
        uniqueName("garbage"),
        "AAAA",
        "not base64!",
        "AQAAAAAAAAAAAAAAAAAA",
      ]) {
        await expectError(
          OP,
          { ShardIterator: iterator },
          "InvalidArgumentException",
          "Invalid ShardIterator.",
        );
      }
    });

    it("refuses an iterator altered in any character", async () => {
      const name = uniqueName("gr-tamper");
      await createStream(name, 1);
      const iterator = await shardIterator(name, SHARD0, "TRIM_HORIZON");
      // Every byte is covered by the MAC, the stream incarnation and shard index
      // included, so no alteration reaches a shard.
      const positions = Array.from({ length: iterator.length }, (_, i) => i);
      for (const index of positions) {
        const answer = await call(OP, { ShardIterator: flip(iterator, index) });
        expect({ index, status: answer.status, body: answer.body }).toEqual({
          index,
          status: 400,
          body: { __type: "InvalidArgumentException", message: "Invalid ShardIterator." },
        });
      }
      // The untouched iterator still reads.
      expect((await getRecords(iterator)).Records).toEqual([]);
    });

    itInside("refuses an iterator older than five minutes", async () => {
      const name = uniqueName("gr-expired");
      await createStream(name, 1);
      const issued = Date.UTC(2030, 0, 2, 3, 4, 5);
      await setClock(name, issued);
      const iterator = await shardIterator(name, SHARD0, "LATEST");
      await setClock(name, issued + 300_000);
      expect((await getRecords(iterator)).Records).toEqual([]);
      await setClock(name, issued + 300_001);
      await expectError(
        OP,
        { ShardIterator: iterator },
        "ExpiredIteratorException",
        "Iterator expired. The iterator was created at time Wed Jan 02 03:04:05 UTC 2030 " +
          "while right now it is Wed Jan 02 03:09:05 UTC 2030 " +
          "which is further in the future than the tolerated delay of 300000 milliseconds.",
      );
    });
  });

  describe("behaviour", () => {
    it("reads records in order, as AWS returns them", async () => {
      const name = uniqueName("gr-read");
      await createStream(name, 1);
      const before = Date.now();
      const seqs = [
        await put(name, "one", "k1"),
        await put(name, "two", "k2"),
        await put(name, "three", "k3"),
      ];
      const body = await ok(OP, {
        ShardIterator: await shardIterator(name, SHARD0, "TRIM_HORIZON"),
      });
      expect(body).toEqual({
        Records: [
          {
            SequenceNumber: seqs[0],
            ApproximateArrivalTimestamp: expect.any(Number),
            Data: b64("one"),
            PartitionKey: "k1",
          },
          {
            SequenceNumber: seqs[1],
            ApproximateArrivalTimestamp: expect.any(Number),
            Data: b64("two"),
            PartitionKey: "k2",
          },
          {
            SequenceNumber: seqs[2],
            ApproximateArrivalTimestamp: expect.any(Number),
            Data: b64("three"),
            PartitionKey: "k3",
          },
        ],
        NextShardIterator: expect.any(String),
        MillisBehindLatest: 0,
      });
      const records = body.Records as RecordOut[];
      for (const record of records) {
        // Epoch seconds, with milliseconds as the fraction.
        expect(record.ApproximateArrivalTimestamp * 1000).toBeGreaterThanOrEqual(before - 1000);
        expect(record.ApproximateArrivalTimestamp * 1000).toBeLessThanOrEqual(Date.now() + 1000);
      }
      const arrivals = records.map((r) => r.ApproximateArrivalTimestamp);
      expect([...arrivals].sort((a, b) => a - b)).toEqual(arrivals);
    });

    it("reads at most Limit records, and NextShardIterator continues without gaps or repeats", async () => {
      const name = uniqueName("gr-limit");
      await createStream(name, 1);
      const written: string[] = [];
      for (let i = 0; i < 7; i++) written.push(await put(name, `r${i}`));
      const seen: string[] = [];
      const sizes: number[] = [];
      let iterator = await shardIterator(name, SHARD0, "TRIM_HORIZON");
      for (let call = 0; call < 5; call++) {
        const page = await getRecords(iterator, 3);
        sizes.push(page.Records.length);
        seen.push(...page.Records.map((r) => r.SequenceNumber));
        expect(typeof page.NextShardIterator).toBe("string");
        iterator = page.NextShardIterator ?? "";
      }
      expect(sizes).toEqual([3, 3, 1, 0, 0]);
      expect(seen).toEqual(written);
      // Reading on from the end picks up what is written next, once.
      const later = await put(name, "later");
      const next = await getRecords(iterator, 3);
      expect(next.Records.map((r) => r.SequenceNumber)).toEqual([later]);
    });

    it("can read the same iterator twice", async () => {
      const name = uniqueName("gr-twice");
      await createStream(name, 1);
      await put(name, "x");
      const iterator = await shardIterator(name, SHARD0, "TRIM_HORIZON");
      const first = await getRecords(iterator);
      const second = await getRecords(iterator);
      expect(second.Records).toEqual(first.Records);
    });

    it("reads nothing from LATEST on a quiet shard, but still gives a next iterator", async () => {
      const name = uniqueName("gr-empty");
      await createStream(name, 1);
      await put(name, "old");
      const body = await ok(OP, { ShardIterator: await shardIterator(name, SHARD0, "LATEST") });
      expect(body).toEqual({
        Records: [],
        NextShardIterator: expect.any(String),
        MillisBehindLatest: 0,
      });
    });

    itInside("says how far behind the newest record a reader is", async () => {
      const name = uniqueName("gr-behind");
      await createStream(name, 1);
      const t = Date.now();
      await setClock(name, t);
      await put(name, "1");
      await setClock(name, t + 1_000);
      await put(name, "2");
      await setClock(name, t + 5_000);
      const first = await getRecords(await shardIterator(name, SHARD0, "TRIM_HORIZON"), 1);
      expect(first.Records).toHaveLength(1);
      expect(first.MillisBehindLatest).toBe(5_000);
      const second = await getRecords(first.NextShardIterator ?? "", 1);
      expect(second.Records).toHaveLength(1);
      expect(second.MillisBehindLatest).toBe(0);
    });

    it("returns at most 10 MiB in one call", async () => {
      const name = uniqueName("gr-10mb");
      await createStream(name, 1);
      const data = b64(new Uint8Array(MiB));
      for (const count of [4, 4, 3]) {
        await ok("PutRecords", {
          StreamName: name,
          Records: Array.from({ length: count }, () => ({ PartitionKey: "a", Data: data })),
        });
      }
      const first = await getRecords(await shardIterator(name, SHARD0, "TRIM_HORIZON"));
      expect(first.Records).toHaveLength(10);
      expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(0);
      const second = await getRecords(first.NextShardIterator ?? "");
      expect(second.Records).toHaveLength(1);
      expect(second.MillisBehindLatest).toBe(0);
    });

    it("accepts StreamARN", async () => {
      const name = uniqueName("gr-arn");
      await createStream(name, 1);
      await put(name, "x");
      const iterator = await shardIterator(name, SHARD0, "TRIM_HORIZON");
      const body = await ok(OP, { ShardIterator: iterator, StreamARN: arnOf(name) });
      expect((body.Records as RecordOut[]).map((r) => r.Data)).toEqual([b64("x")]);
    });
  });
});
