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
import { retentionPeriodCases } from "./retention-period.case.js";

const OP = "IncreaseStreamRetentionPeriod";
const SHARD0 = "shardId-000000000000";
const HOUR = 3_600_000;
const cases = retentionPeriodCases(OP, { onNewStream: 48, from: 24, byName: 8760, byArn: 72 });

describeEachWire("IncreaseStreamRetentionPeriod", () => {
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
      await expectValidation(OP, {}, [failure("null", "retentionPeriodHours", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamName: "", RetentionPeriodHours: 48, StreamARN: "", StreamId: "" },
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

    it("checks StreamName's upper bound", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { StreamName: name, RetentionPeriodHours: 48 }, [
        failure(`'${name}'`, "streamName", rule.maxLength(128)),
      ]);
    });

    cases.validation();

    it("refuses a period shorter than the stream's, in AWS's words", async () => {
      const name = uniqueName("inc-less");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, RetentionPeriodHours: 25 });
      await expectError(
        OP,
        { StreamName: name, RetentionPeriodHours: 24 },
        "InvalidArgumentException",
        `Requested retention period (24 hours) for stream ${name} can not be shorter than existing retention period (25 hours). Use DecreaseRetentionPeriod API.`,
      );
    });
  });

  describe("behaviour", () => {
    cases.behaviour();

    itInside("keeps records readable for longer", async () => {
      const name = uniqueName("inc-keep");
      await createStream(name, 1);
      const t0 = Date.now();
      await setShardClock(name, SHARD0, t0);
      await ok("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64("kept") });
      await ok(OP, { StreamName: name, RetentionPeriodHours: 48 });
      // 30 hours on: past the old retention, within the new one.
      await setShardClock(name, SHARD0, t0 + 30 * HOUR);
      const read = await getRecords(await shardIterator(name, SHARD0, "TRIM_HORIZON"));
      expect(read.Records.map((r) => r.Data)).toEqual([b64("kept")]);
    });
  });
});
