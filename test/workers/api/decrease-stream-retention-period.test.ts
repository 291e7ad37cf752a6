import { describe, expect, it } from "vitest";
import {
  b64,
  call,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  getRecords,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  setShardClock,
  shardIterator,
  shardObject,
  streamArnOf,
  summaryOf,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "DecreaseStreamRetentionPeriod";
const SHARD0 = "shardId-000000000000";
const HOUR = 3_600_000;

async function put(name: string, data: string): Promise<string> {
  const answer = await ok("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64(data) });
  return String(answer.SequenceNumber);
}

/** Every record shard 0 returns from TRIM_HORIZON, as data. */
async function readAll(name: string): Promise<string[]> {
  const page = await getRecords(await shardIterator(name, SHARD0, "TRIM_HORIZON"));
  return page.Records.map((r) => atob(r.Data));
}

/** How many records shard 0 still stores. */
async function stored(name: string): Promise<number> {
  return (await shardObject(name, SHARD0)).count();
}

describeEachWire("DecreaseStreamRetentionPeriod", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["RetentionPeriodHours", "Integer"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires RetentionPeriodHours", async () => {
      await expectValidation(OP, { StreamName: "s" }, [
        failure("null", "retentionPeriodHours", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamName: "", RetentionPeriodHours: 24, StreamARN: "", StreamId: "" },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("refuses fewer than 24 hours and more than 8760, in AWS's words", async () => {
      const name = uniqueName("dec-range");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, RetentionPeriodHours: 23 },
        "InvalidArgumentException",
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
      );
      await expectError(
        OP,
        { StreamName: name, RetentionPeriodHours: 8761 },
        "InvalidArgumentException",
        "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.",
      );
    });

    refusesMissingStream(OP, "dec-none", (name) => ({
      StreamName: name,
      RetentionPeriodHours: 24,
    }));

    it("refuses a period longer than the stream's, in AWS's words", async () => {
      const name = uniqueName("dec-more");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, RetentionPeriodHours: 25 },
        "InvalidArgumentException",
        `Requested retention period (25 hours) for stream ${name} can not be longer than existing retention period (24 hours). Use IncreaseRetentionPeriod API.`,
      );
    });

    it("refuses a stream that is not ACTIVE", async () => {
      await expectRefusedWhileCreating(OP, "dec-busy", (name) => ({
        StreamName: name,
        RetentionPeriodHours: 24,
      }));
    });
  });

  describe("behaviour", () => {
    it("answers with an empty body, and the stream reports the shorter period", async () => {
      const name = uniqueName("dec");
      await createStream(name, 1);
      await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: 100 });
      const answer = await call(OP, { StreamName: name, RetentionPeriodHours: 48 });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      expect((await summaryOf(name)).RetentionPeriodHours).toBe(48);
      const described = await ok("DescribeStream", { StreamName: name });
      expect(described.StreamDescription).toMatchObject({ RetentionPeriodHours: 48 });
      await ok(OP, { StreamARN: streamArnOf(name), RetentionPeriodHours: 24 });
      expect((await summaryOf(name)).RetentionPeriodHours).toBe(24);
    });

    it("stops returning records older than the new period, and they stay gone after a later increase", async () => {
      const name = uniqueName("dec-trim");
      await createStream(name, 1);
      await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: 48 });
      const t0 = Date.now();
      await setShardClock(name, SHARD0, t0);
      await put(name, "old");
      await setShardClock(name, SHARD0, t0 + 20 * HOUR);
      await put(name, "newer");
      // 30 hours after the first record: both are within 48 hours.
      await setShardClock(name, SHARD0, t0 + 30 * HOUR);
      expect(await readAll(name)).toEqual(["old", "newer"]);

      await ok(OP, { StreamName: name, RetentionPeriodHours: 24 });
      expect(await readAll(name)).toEqual(["newer"]);
      // Deleted, not hidden.
      expect(await stored(name)).toBe(1);
      const fromTimestamp = await getRecords(
        await shardIterator(name, SHARD0, "AT_TIMESTAMP", { Timestamp: t0 / 1000 }),
      );
      expect(fromTimestamp.Records.map((r) => atob(r.Data))).toEqual(["newer"]);

      await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: 168 });
      expect(await readAll(name)).toEqual(["newer"]);
      expect(await stored(name)).toBe(1);
    });

    it("applies to every shard of the stream", async () => {
      const name = uniqueName("dec-shards");
      await createStream(name, 3);
      await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: 48 });
      const shards = ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"];
      const t0 = Date.now();
      for (const shard of shards) await setShardClock(name, shard, t0);
      // Keys whose hashes fall in each of the three shards.
      for (const key of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
        await ok("PutRecord", { StreamName: name, PartitionKey: key, Data: b64(key) });
      }
      for (const shard of shards) await setShardClock(name, shard, t0 + 30 * HOUR);
      const before = await Promise.all(
        shards.map(async (shard) => (await shardObject(name, shard)).count()),
      );
      expect(before.every((n) => n > 0)).toBe(true);
      await ok(OP, { StreamName: name, RetentionPeriodHours: 24 });
      for (const shard of shards) {
        const page = await getRecords(await shardIterator(name, shard, "TRIM_HORIZON"));
        expect({ shard, records: page.Records }).toEqual({ shard, records: [] });
        expect(await (await shardObject(name, shard)).count()).toBe(0);
      }
    });

    it("keeps records younger than the new period", async () => {
      const name = uniqueName("dec-young");
      await createStream(name, 1);
      await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: 72 });
      const t0 = Date.now();
      await setShardClock(name, SHARD0, t0);
      await put(name, "young");
      await setShardClock(name, SHARD0, t0 + 23 * HOUR);
      await ok(OP, { StreamName: name, RetentionPeriodHours: 24 });
      expect(await readAll(name)).toEqual(["young"]);
      // Past the new period, it is no longer returned.
      await setShardClock(name, SHARD0, t0 + 24 * HOUR + 1);
      expect(await readAll(name)).toEqual([]);
    });
  });
});
