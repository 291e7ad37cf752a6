import { describe, expect, it } from "vitest";
import {
  b64,
  createStream,
  expectError,
  expectValidation,
  failure,
  getRecords,
  ok,
  PATTERN,
  refusesWrongTypes,
  rule,
  setShardClock,
  shardIterator,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";
import { retentionPeriodCases, storedRecords } from "./retention-period.case.js";

const OP = "DecreaseStreamRetentionPeriod";
const SHARD0 = "shardId-000000000000";
const HOUR = 3_600_000;
const cases = retentionPeriodCases(OP, { onNewStream: 24, from: 100, byName: 48, byArn: 24 });

async function put(name: string, data: string): Promise<string> {
  const answer = await ok("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64(data) });
  return String(answer.SequenceNumber);
}

/** Every record shard 0 returns from TRIM_HORIZON, as data. */
async function readAll(name: string): Promise<string[]> {
  const page = await getRecords(await shardIterator(name, SHARD0, "TRIM_HORIZON"));
  return page.Records.map((r) => atob(r.Data));
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

    cases.validation();

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
  });

  describe("behaviour", () => {
    cases.behaviour();

    itInside(
      "stops returning records older than the new period, and they stay gone after a later increase",
      async () => {
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
        expect(await storedRecords(name, SHARD0)).toBe(1);
        const fromTimestamp = await getRecords(
          await shardIterator(name, SHARD0, "AT_TIMESTAMP", { Timestamp: t0 / 1000 }),
        );
        expect(fromTimestamp.Records.map((r) => atob(r.Data))).toEqual(["newer"]);

        await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: 168 });
        expect(await readAll(name)).toEqual(["newer"]);
        expect(await storedRecords(name, SHARD0)).toBe(1);
      },
    );

    itInside("applies to every shard of the stream", async () => {
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
      const before = await Promise.all(shards.map((shard) => storedRecords(name, shard)));
      expect(before.every((n) => n > 0)).toBe(true);
      await ok(OP, { StreamName: name, RetentionPeriodHours: 24 });
      for (const shard of shards) {
        const page = await getRecords(await shardIterator(name, shard, "TRIM_HORIZON"));
        expect({ shard, records: page.Records }).toEqual({ shard, records: [] });
        expect(await storedRecords(name, shard)).toBe(0);
      }
    });

    itInside("keeps records younger than the new period", async () => {
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
