/**
 * What EnableEnhancedMonitoring and DisableEnhancedMonitoring share: their
 * input, so their serialization and validation cases, run against each.
 */
import { describe, expect, it } from "vitest";
import {
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  summaryOf,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";

/** Every shard-level metric, in the model's order. */
export const ALL = [
  "IncomingBytes",
  "IncomingRecords",
  "OutgoingBytes",
  "OutgoingRecords",
  "WriteProvisionedThroughputExceeded",
  "ReadProvisionedThroughputExceeded",
  "IteratorAgeMilliseconds",
];

/** What DescribeStream and DescribeStreamSummary say is enabled. */
export async function monitored(name: string): Promise<string[]> {
  const summary = (await summaryOf(name)).EnhancedMonitoring as { ShardLevelMetrics: string[] }[];
  const described = await ok("DescribeStream", { StreamName: name });
  expect((described.StreamDescription as Record<string, unknown>).EnhancedMonitoring).toEqual(
    summary,
  );
  expect(summary).toHaveLength(1);
  return summary[0]?.ShardLevelMetrics ?? [];
}

/** The serialization and validation sections, for either operation. */
export function enhancedMonitoringInputCases(operation: string): void {
  const OP = operation;
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

    refusesMissingStream(OP, "em-none", (name) => ({
      StreamName: name,
      ShardLevelMetrics: ["ALL"],
    }));

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        { ShardLevelMetrics: ["ALL"] },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });

    itInside("refuses a stream that is not ACTIVE", async () => {
      await expectRefusedWhileCreating(OP, `${operation}-busy`, (name) => ({
        StreamName: name,
        ShardLevelMetrics: ["IncomingBytes"],
      }));
    });
  });
}
