import { describe, expect, it } from "vitest";
import {
  createStream,
  expectError,
  expectValidation,
  failure,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "DescribeStreamSummary";

const arnOf = (name: string, region = "us-east-1") =>
  `arn:aws:kinesis:${region}:000000000000:stream/${name}`;

describeEachWire("DescribeStreamSummary", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { StreamName: "", StreamARN: "", StreamId: "" }, [
        failure("''", "streamName", rule.pattern(PATTERN.streamName)),
        failure("''", "streamName", rule.minLength(1)),
        failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
        failure("''", "streamARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    it("checks every member's upper bounds", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { StreamName: name }, [
        failure(`'${name}'`, "streamName", rule.maxLength(128)),
      ]);
    });
  });

  describe("behaviour", () => {
    it("summarises a stream as AWS does", async () => {
      const name = uniqueName("dss");
      const before = Date.now();
      await createStream(name, 3);
      const body = await ok(OP, { StreamName: name });
      expect(body).toEqual({
        StreamDescriptionSummary: {
          StreamName: name,
          StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
          StreamStatus: "ACTIVE",
          StreamModeDetails: { StreamMode: "PROVISIONED" },
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: expect.any(Number),
          EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
          EncryptionType: "NONE",
          OpenShardCount: 3,
          ConsumerCount: 0,
          MaxRecordSizeInKiB: 1024,
        },
      });
      const summary = body.StreamDescriptionSummary as { StreamCreationTimestamp: number };
      expect(summary.StreamCreationTimestamp * 1000).toBeGreaterThanOrEqual(before - 1000);
      expect(summary.StreamCreationTimestamp * 1000).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it("gives the same creation time as DescribeStream", async () => {
      const name = uniqueName("dss");
      await createStream(name, 1);
      const summary = await ok(OP, { StreamName: name });
      const description = await ok("DescribeStream", { StreamName: name });
      expect(
        (summary.StreamDescriptionSummary as Record<string, unknown>).StreamCreationTimestamp,
      ).toBe((description.StreamDescription as Record<string, unknown>).StreamCreationTimestamp);
    });

    refusesMissingStream(OP, "dss-none", (name) => ({ StreamName: name }));

    it("accepts StreamARN, and refuses one that disagrees with StreamName", async () => {
      const name = uniqueName("dss-arn");
      await createStream(name, 1);
      const byArn = await ok(OP, { StreamARN: arnOf(name) });
      expect(byArn.StreamDescriptionSummary).toMatchObject({ StreamName: name });
      await expectError(
        OP,
        { StreamName: `${name}-x`, StreamARN: arnOf(name) },
        "InvalidArgumentException",
        `StreamName ${name}-x and StreamARN ${arnOf(name)} name different streams.`,
      );
    });

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        {},
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });
});
