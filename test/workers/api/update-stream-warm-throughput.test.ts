import { describe, expect, it } from "vitest";
import {
  createOnDemandStream,
  createStream,
  enableCommitment,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  freshRegion,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  streamArnOf,
  summaryOf,
  uniqueName,
  waitFor,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "UpdateStreamWarmThroughput";

/** A region with the commitment enabled, and an on-demand stream in it. */
async function onDemandWithCommitment(prefix: string): Promise<{ name: string; region: string }> {
  const region = freshRegion(prefix);
  await enableCommitment(region);
  const name = uniqueName(prefix);
  await createOnDemandStream(name, region);
  return { name, region };
}

describeEachWire("UpdateStreamWarmThroughput", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamARN", "String"],
      ["StreamName", "String"],
      ["StreamId", "String"],
      ["WarmThroughputMiBps", "Integer"],
    ]);
  });

  describe("validation", () => {
    it("requires WarmThroughputMiBps", async () => {
      await expectValidation(OP, { StreamName: "s" }, [
        failure("null", "warmThroughputMiBps", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamARN: "", StreamName: "", StreamId: "", WarmThroughputMiBps: -1 },
        [
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
          failure("'-1'", "warmThroughputMiBps", rule.minValue(0)),
        ],
      );
    });

    refusesMissingStream(OP, "wt-none", (name) => ({ StreamName: name, WarmThroughputMiBps: 10 }));

    it("refuses a provisioned stream", async () => {
      const region = freshRegion("wt-prov");
      await enableCommitment(region);
      const name = uniqueName("wt-prov");
      await createStream(name, 1, region);
      await expectError(
        OP,
        { StreamName: name, WarmThroughputMiBps: 10 },
        "ValidationException",
        `Warm throughput is only supported for streams in ON_DEMAND mode. Stream ${name} under account 000000000000 is in PROVISIONED mode.`,
        { region },
      );
    });

    it("refuses an account without the MinimumThroughputBillingCommitment", async () => {
      const region = freshRegion("wt-nocommit");
      const name = uniqueName("wt-nocommit");
      await createOnDemandStream(name, region);
      await expectError(
        OP,
        { StreamName: name, WarmThroughputMiBps: 10 },
        "InvalidArgumentException",
        `Warm throughput requires MinimumThroughputBillingCommitment to be enabled for account 000000000000 in ${region}.`,
        { region },
      );
    });

    it("refuses more than 10 GiBps", async () => {
      const { name, region } = await onDemandWithCommitment("wt-max");
      await expectError(
        OP,
        { StreamName: name, WarmThroughputMiBps: 10241 },
        "LimitExceededException",
        `Requested warm throughput of 10241 MiBps for stream ${name} under account 000000000000 exceeds the limit of 10240 MiBps.`,
        { region },
      );
      await ok(OP, { StreamName: name, WarmThroughputMiBps: 10240 }, region);
    });

    itInside("refuses a stream that is not ACTIVE", async () => {
      await expectRefusedWhileCreating(OP, "wt-busy", (name) => ({
        StreamName: name,
        WarmThroughputMiBps: 10,
      }));
    });
  });

  describe("behaviour", () => {
    it("answers with the target and the throughput the stream had, then reports it reached", async () => {
      const { name, region } = await onDemandWithCommitment("wt");
      // Four on-demand shards take 4 MiB/s before any target is set.
      expect((await summaryOf(name, region)).WarmThroughput).toEqual({ CurrentMiBps: 4 });
      expect(await ok(OP, { StreamName: name, WarmThroughputMiBps: 100 }, region)).toEqual({
        StreamARN: streamArnOf(name, region),
        StreamName: name,
        WarmThroughput: { TargetMiBps: 100, CurrentMiBps: 4 },
      });
      expect((await summaryOf(name, region)).WarmThroughput).toEqual({
        TargetMiBps: 100,
        CurrentMiBps: 100,
      });
      expect(
        await ok(OP, { StreamARN: streamArnOf(name, region), WarmThroughputMiBps: 50 }, region),
      ).toEqual({
        StreamARN: streamArnOf(name, region),
        StreamName: name,
        WarmThroughput: { TargetMiBps: 50, CurrentMiBps: 100 },
      });
      expect((await summaryOf(name, region)).StreamStatus).toBe("ACTIVE");
    });

    it("does not slow a stream below what its shards take", async () => {
      const { name, region } = await onDemandWithCommitment("wt-zero");
      await ok(OP, { StreamName: name, WarmThroughputMiBps: 0 }, region);
      expect((await summaryOf(name, region)).WarmThroughput).toEqual({
        TargetMiBps: 0,
        CurrentMiBps: 4,
      });
    });

    it("is reported only for on-demand streams of accounts with the commitment", async () => {
      const region = freshRegion("wt-report");
      const onDemand = uniqueName("wt-od");
      const provisioned = uniqueName("wt-p");
      await createOnDemandStream(onDemand, region);
      await createStream(provisioned, 1, region);
      expect(await summaryOf(onDemand, region)).not.toHaveProperty("WarmThroughput");
      await enableCommitment(region);
      expect((await summaryOf(onDemand, region)).WarmThroughput).toEqual({ CurrentMiBps: 4 });
      expect(await summaryOf(provisioned, region)).not.toHaveProperty("WarmThroughput");
      const described = await ok("DescribeStream", { StreamName: onDemand }, region);
      expect(described.StreamDescription).not.toHaveProperty("WarmThroughput");
    });
  });

  describe("CreateStream's WarmThroughputMiBps", () => {
    it("sets the target of a new on-demand stream", async () => {
      const region = freshRegion("wt-create");
      await enableCommitment(region);
      const name = uniqueName("wt-create");
      await ok(
        "CreateStream",
        {
          StreamName: name,
          StreamModeDetails: { StreamMode: "ON_DEMAND" },
          WarmThroughputMiBps: 200,
        },
        region,
      );
      const summary = await waitFor(async () => {
        const s = await summaryOf(name, region);
        return s.StreamStatus === "ACTIVE" ? s : undefined;
      }, "ACTIVE");
      expect(summary.WarmThroughput).toEqual({ TargetMiBps: 200, CurrentMiBps: 200 });
    });

    it("is checked as UpdateStreamWarmThroughput checks it, and nothing is created", async () => {
      const region = freshRegion("wt-create");
      const name = uniqueName("wt-bad");
      const onDemand = { StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" } };
      await expectError(
        "CreateStream",
        { ...onDemand, WarmThroughputMiBps: 10 },
        "InvalidArgumentException",
        `Warm throughput requires MinimumThroughputBillingCommitment to be enabled for account 000000000000 in ${region}.`,
        { region },
      );
      await enableCommitment(region);
      await expectError(
        "CreateStream",
        { StreamName: name, ShardCount: 1, WarmThroughputMiBps: 10 },
        "ValidationException",
        `Warm throughput is only supported for streams in ON_DEMAND mode. Stream ${name} under account 000000000000 is in PROVISIONED mode.`,
        { region },
      );
      await expectError(
        "CreateStream",
        { ...onDemand, WarmThroughputMiBps: 20000 },
        "LimitExceededException",
        `Requested warm throughput of 20000 MiBps for stream ${name} under account 000000000000 exceeds the limit of 10240 MiBps.`,
        { region },
      );
      await expectError(
        "DescribeStreamSummary",
        { StreamName: name },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
        { region },
      );
    });
  });
});
