import { describe, expect, it } from "vitest";
import {
  createStream,
  creatingStream,
  expectError,
  expectValidation,
  failure,
  ok,
  PATTERN,
  refusesWrongTypes,
  rule,
  setControlClock,
  streamArnOf,
  summaryOf,
  uniqueName,
} from "../support/kinesis.js";

const OP = "DisableEnhancedMonitoring";

/** Every shard-level metric, in the model's order. */
const ALL = [
  "IncomingBytes",
  "IncomingRecords",
  "OutgoingBytes",
  "OutgoingRecords",
  "WriteProvisionedThroughputExceeded",
  "ReadProvisionedThroughputExceeded",
  "IteratorAgeMilliseconds",
];

/** What DescribeStream and DescribeStreamSummary say is enabled. */
async function monitored(name: string): Promise<string[]> {
  const summary = (await summaryOf(name)).EnhancedMonitoring as { ShardLevelMetrics: string[] }[];
  const described = await ok("DescribeStream", { StreamName: name });
  expect((described.StreamDescription as Record<string, unknown>).EnhancedMonitoring).toEqual(
    summary,
  );
  expect(summary).toHaveLength(1);
  return summary[0]?.ShardLevelMetrics ?? [];
}

describe("DisableEnhancedMonitoring", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["ShardLevelMetrics", "List"],
      ["ShardLevelMetrics.0", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires ShardLevelMetrics", async () => {
      await expectValidation(OP, {}, [failure("null", "shardLevelMetrics", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamName: "", ShardLevelMetrics: [], StreamARN: "", StreamId: "" },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("'[]'", "shardLevelMetrics", rule.minLength(1)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("takes only the model's metric names, and at most seven", async () => {
      await expectValidation(OP, { StreamName: "s", ShardLevelMetrics: ["ALL", "Bytes"] }, [
        failure(
          "'[ALL, Bytes]'",
          "shardLevelMetrics",
          `Member must satisfy constraint: [${rule.enum([...ALL, "ALL"])}]`,
        ),
      ]);
      const eight = [...ALL, "ALL"];
      await expectValidation(OP, { StreamName: "s", ShardLevelMetrics: eight }, [
        failure(`'[${eight.join(", ")}]'`, "shardLevelMetrics", rule.maxLength(7)),
      ]);
    });

    it("answers a stream that does not exist with ResourceNotFoundException", async () => {
      const name = uniqueName("em-none");
      await expectError(
        OP,
        { StreamName: name, ShardLevelMetrics: ["ALL"] },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        { ShardLevelMetrics: ["ALL"] },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });

    it("refuses a stream that is not ACTIVE", async () => {
      const { name, region } = await creatingStream("em-busy");
      try {
        await expectError(
          OP,
          { StreamName: name, ShardLevelMetrics: ["IncomingBytes"] },
          "ResourceInUseException",
          `Stream ${name} under account 000000000000 not ACTIVE, instead in state CREATING`,
          { region },
        );
      } finally {
        await setControlClock(region, undefined);
      }
    });
  });

  describe("behaviour", () => {
    it("answers with the metrics before and after, and keeps what is left", async () => {
      const name = uniqueName("dm");
      await createStream(name, 1);
      await ok("EnableEnhancedMonitoring", {
        StreamName: name,
        ShardLevelMetrics: ["IncomingBytes", "OutgoingRecords", "IteratorAgeMilliseconds"],
      });
      expect(
        await ok(OP, {
          StreamName: name,
          ShardLevelMetrics: ["OutgoingRecords", "ReadProvisionedThroughputExceeded"],
        }),
      ).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: ["IncomingBytes", "OutgoingRecords", "IteratorAgeMilliseconds"],
        DesiredShardLevelMetrics: ["IncomingBytes", "IteratorAgeMilliseconds"],
        StreamARN: streamArnOf(name),
      });
      expect(await monitored(name)).toEqual(["IncomingBytes", "IteratorAgeMilliseconds"]);
    });

    it("disables every metric for ALL", async () => {
      const name = uniqueName("dm-all");
      await createStream(name, 1);
      await ok("EnableEnhancedMonitoring", { StreamName: name, ShardLevelMetrics: ["ALL"] });
      expect(await ok(OP, { StreamARN: streamArnOf(name), ShardLevelMetrics: ["ALL"] })).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: ALL,
        DesiredShardLevelMetrics: [],
        StreamARN: streamArnOf(name),
      });
      expect(await monitored(name)).toEqual([]);
    });

    it("changes nothing on a stream with no metrics enabled", async () => {
      const name = uniqueName("dm-none");
      await createStream(name, 1);
      expect(await ok(OP, { StreamName: name, ShardLevelMetrics: ["IncomingBytes"] })).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: [],
        DesiredShardLevelMetrics: [],
        StreamARN: streamArnOf(name),
      });
    });
  });
});
