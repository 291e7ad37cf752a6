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
  type ShardDescription,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "DescribeStream";

interface Description {
  StreamName: string;
  StreamARN: string;
  StreamStatus: string;
  Shards: ShardDescription[];
  HasMoreShards: boolean;
  StreamCreationTimestamp: number;
}

async function describeStream(body: Record<string, unknown>): Promise<Description> {
  const answer = await ok(OP, body);
  return answer.StreamDescription as Description;
}

const arnOf = (name: string, region = "us-east-1", account = "000000000000") =>
  `arn:aws:kinesis:${region}:${account}:stream/${name}`;

describeEachWire("DescribeStream", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["Limit", "Integer"],
      ["ExclusiveStartShardId", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamName: "", Limit: 0, ExclusiveStartShardId: "", StreamARN: "", StreamId: "" },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("'0'", "limit", rule.minValue(1)),
          failure("''", "exclusiveStartShardId", rule.pattern(PATTERN.shardId)),
          failure("''", "exclusiveStartShardId", rule.minLength(1)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      const arn = arnOf("a".repeat(2048 - arnOf("").length + 1));
      const streamId = "a".repeat(25);
      await expectValidation(
        OP,
        {
          StreamName: name,
          Limit: 10001,
          ExclusiveStartShardId: name,
          StreamARN: arn,
          StreamId: streamId,
        },
        [
          failure(`'${name}'`, "streamName", rule.maxLength(128)),
          failure("'10001'", "limit", rule.maxValue(10000)),
          failure(`'${name}'`, "exclusiveStartShardId", rule.maxLength(128)),
          failure(`'${arn}'`, "streamARN", rule.maxLength(2048)),
          failure(`'${streamId}'`, "streamId", rule.pattern(PATTERN.streamId)),
          failure(`'${streamId}'`, "streamId", rule.maxLength(24)),
        ],
      );
    });

    it("matches StreamARN against its pattern", async () => {
      for (const arn of [
        "arn:aws:kinesis:us-east-1:123:stream/x",
        "arn:aws:sqs:us-east-1:000000000000:stream/x",
        "arn:aws:kinesis:us-east-1:000000000000:table/x",
      ]) {
        await expectValidation(OP, { StreamARN: arn }, [
          failure(`'${arn}'`, "streamARN", rule.pattern(PATTERN.streamArn)),
        ]);
      }
    });
  });

  describe("behaviour", () => {
    it("describes a stream as AWS does", async () => {
      const name = uniqueName("ds");
      const before = Date.now();
      await createStream(name, 2);
      const body = await ok(OP, { StreamName: name });
      expect(body).toEqual({
        StreamDescription: {
          StreamName: name,
          StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
          StreamStatus: "ACTIVE",
          StreamModeDetails: { StreamMode: "PROVISIONED" },
          Shards: [
            {
              ShardId: "shardId-000000000000",
              HashKeyRange: {
                StartingHashKey: "0",
                EndingHashKey: "170141183460469231731687303715884105727",
              },
              SequenceNumberRange: { StartingSequenceNumber: expect.stringMatching(/^49\d{44}$/) },
            },
            {
              ShardId: "shardId-000000000001",
              HashKeyRange: {
                StartingHashKey: "170141183460469231731687303715884105728",
                EndingHashKey: "340282366920938463463374607431768211455",
              },
              SequenceNumberRange: { StartingSequenceNumber: expect.stringMatching(/^49\d{44}$/) },
            },
          ],
          HasMoreShards: false,
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: expect.any(Number),
          EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
          EncryptionType: "NONE",
        },
      });
      const created = (body.StreamDescription as Description).StreamCreationTimestamp;
      // Epoch seconds in the JSON view (CBOR sends tag 1 over milliseconds).
      expect(created * 1000).toBeGreaterThanOrEqual(before - 1000);
      expect(created * 1000).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it("pages through shards with Limit and ExclusiveStartShardId", async () => {
      const name = uniqueName("ds-page");
      await createStream(name, 5);
      const ids = (d: Description) => d.Shards.map((s) => s.ShardId);

      const first = await describeStream({ StreamName: name, Limit: 2 });
      expect(ids(first)).toEqual(["shardId-000000000000", "shardId-000000000001"]);
      expect(first.HasMoreShards).toBe(true);

      const second = await describeStream({
        StreamName: name,
        Limit: 2,
        ExclusiveStartShardId: "shardId-000000000001",
      });
      expect(ids(second)).toEqual(["shardId-000000000002", "shardId-000000000003"]);
      expect(second.HasMoreShards).toBe(true);

      const last = await describeStream({
        StreamName: name,
        Limit: 2,
        ExclusiveStartShardId: "shardId-000000000003",
      });
      expect(ids(last)).toEqual(["shardId-000000000004"]);
      expect(last.HasMoreShards).toBe(false);

      const exact = await describeStream({ StreamName: name, Limit: 5 });
      expect(ids(exact)).toHaveLength(5);
      expect(exact.HasMoreShards).toBe(false);

      const past = await describeStream({
        StreamName: name,
        ExclusiveStartShardId: "shardId-000000000004",
      });
      expect(past.Shards).toEqual([]);
      expect(past.HasMoreShards).toBe(false);

      const all = await describeStream({ StreamName: name, Limit: 10000 });
      expect(ids(all)).toHaveLength(5);
    });

    refusesMissingStream(OP, "ds-none", (name) => ({ StreamName: name }));

    it("accepts StreamARN in place of StreamName, or with a StreamName that agrees", async () => {
      const name = uniqueName("ds-arn");
      await createStream(name, 1);
      const byArn = await describeStream({ StreamARN: arnOf(name) });
      expect(byArn.StreamName).toBe(name);
      const byBoth = await describeStream({ StreamName: name, StreamARN: arnOf(name) });
      expect(byBoth.StreamARN).toBe(arnOf(name));
    });

    it("refuses a StreamName and StreamARN that name different streams", async () => {
      const name = uniqueName("ds-arn");
      await createStream(name, 1);
      const other = arnOf(`${name}-other`);
      await expectError(
        OP,
        { StreamName: name, StreamARN: other },
        "InvalidArgumentException",
        `StreamName ${name} and StreamARN ${other} name different streams.`,
      );
    });

    it("answers an ARN of another region or account as a stream not found", async () => {
      const name = uniqueName("ds-arn");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamARN: arnOf(name, "eu-west-1") },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
      await expectError(
        OP,
        { StreamARN: arnOf(name, "us-east-1", "111111111111") },
        "ResourceNotFoundException",
        `Stream ${name} under account 111111111111 not found.`,
      );
    });

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        {},
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
      await expectError(
        OP,
        { Limit: 1, StreamId: "abcdefghij0123456789-abc" },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });
});
