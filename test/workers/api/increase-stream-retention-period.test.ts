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
  streamArnOf,
  summaryOf,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "IncreaseStreamRetentionPeriod";
const SHARD0 = "shardId-000000000000";
const HOUR = 3_600_000;

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

    it("refuses fewer than 24 hours, in AWS's words", async () => {
      const name = uniqueName("inc-short");
      await createStream(name, 1);
      for (const hours of [23, 1, 0, -1]) {
        await expectError(
          OP,
          { StreamName: name, RetentionPeriodHours: hours },
          "InvalidArgumentException",
          `Minimum allowed retention period is 24 hours. Requested retention period (${hours} hours) is too short.`,
        );
      }
    });

    it("refuses more than 8760 hours, in AWS's words", async () => {
      const name = uniqueName("inc-long");
      await createStream(name, 1);
      for (const hours of [8761, 100000]) {
        await expectError(
          OP,
          { StreamName: name, RetentionPeriodHours: hours },
          "InvalidArgumentException",
          `Maximum allowed retention period is 8760 hours. Requested retention period (${hours} hours) is too long.`,
        );
      }
    });

    refusesMissingStream(OP, "inc-none", (name) => ({
      StreamName: name,
      RetentionPeriodHours: 25,
    }));

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

    it("refuses a stream that is not ACTIVE", async () => {
      const { name, region } = await expectRefusedWhileCreating(OP, "inc-busy", (name) => ({
        StreamName: name,
        RetentionPeriodHours: 48,
      }));
      expect((await summaryOf(name, region)).RetentionPeriodHours).toBe(24);
    });
  });

  describe("behaviour", () => {
    it("answers with an empty body, and DescribeStream and DescribeStreamSummary report the period", async () => {
      const name = uniqueName("inc");
      await createStream(name, 2);
      const answer = await call(OP, { StreamName: name, RetentionPeriodHours: 8760 });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      expect((await summaryOf(name)).RetentionPeriodHours).toBe(8760);
      const described = await ok("DescribeStream", { StreamName: name });
      expect(described.StreamDescription).toMatchObject({ RetentionPeriodHours: 8760 });
    });

    it("accepts the period the stream already has", async () => {
      const name = uniqueName("inc-same");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, RetentionPeriodHours: 24 });
      expect((await summaryOf(name)).RetentionPeriodHours).toBe(24);
    });

    it("accepts StreamARN", async () => {
      const name = uniqueName("inc-arn");
      await createStream(name, 1);
      await ok(OP, { StreamARN: streamArnOf(name), RetentionPeriodHours: 72 });
      expect((await summaryOf(name)).RetentionPeriodHours).toBe(72);
    });

    it("keeps records readable for longer", async () => {
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
