import { describe, expect, it } from "vitest";
import { evenRanges } from "../../../src/kinesis/hash-key.js";
import {
  b64,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  freshRegion,
  listShards,
  ok,
  readLineage,
  refusesWrongTypes,
  rule,
  setControlClock,
  setShardLimit,
  streamArnOf,
  uniqueName,
  waitForActive,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "UpdateShardCount";
const ACCOUNT = "000000000000";

/** The open shards, lowest hash keys first. */
const openShards = async (name: string) =>
  (await listShards(name))
    .filter((s) => s.SequenceNumberRange.EndingSequenceNumber === undefined)
    .sort((a, b) =>
      BigInt(a.HashKeyRange.StartingHashKey) < BigInt(b.HashKeyRange.StartingHashKey) ? -1 : 1,
    );

describeEachWire("UpdateShardCount", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["TargetShardCount", "Integer"],
      ["ScalingType", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires TargetShardCount and ScalingType", async () => {
      await expectValidation(OP, {}, [
        failure("null", "targetShardCount", rule.notNull),
        failure("null", "scalingType", rule.notNull),
      ]);
    });

    it("takes a positive count and UNIFORM_SCALING only", async () => {
      await expectValidation(OP, { TargetShardCount: 0, ScalingType: "RANDOM" }, [
        failure("'0'", "targetShardCount", rule.minValue(1)),
        failure("'RANDOM'", "scalingType", rule.enum(["UNIFORM_SCALING"])),
      ]);
    });
  });

  describe("behaviour", () => {
    for (const [from, to] of [
      [2, 4],
      [4, 2],
      [3, 5],
      [5, 3],
    ] as const) {
      it(`goes from ${from} to ${to} shards of even ranges, and answers both counts`, async () => {
        const name = uniqueName("usc");
        await createStream(name, from);
        const answer = await ok(OP, {
          StreamName: name,
          TargetShardCount: to,
          ScalingType: "UNIFORM_SCALING",
        });
        expect(answer).toEqual({
          StreamName: name,
          StreamARN: streamArnOf(name),
          CurrentShardCount: from,
          TargetShardCount: to,
        });
        await waitForActive(name);
        const open = await openShards(name);
        expect(
          open.map((s) => [s.HashKeyRange.StartingHashKey, s.HashKeyRange.EndingHashKey]),
        ).toEqual(evenRanges(to).map((r) => [r.start.toString(), r.end.toString()]));
        const summary = await ok("DescribeStreamSummary", { StreamName: name });
        expect(
          (summary.StreamDescriptionSummary as { OpenShardCount: number }).OpenShardCount,
        ).toBe(to);
      });
    }

    it("keeps every record readable through the lineage, each key in order", async () => {
      const name = uniqueName("usc-rw");
      await createStream(name, 3);
      const records = (from: number) =>
        Array.from({ length: 30 }, (_, i) => ({
          Data: b64(`${from + i}`),
          PartitionKey: `k${(from + i) % 7}`,
        }));
      await ok("PutRecords", { StreamName: name, Records: records(0) });
      await ok(OP, { StreamName: name, TargetShardCount: 5, ScalingType: "UNIFORM_SCALING" });
      await ok("PutRecords", { StreamName: name, Records: records(30) });
      await waitForActive(name);
      await ok(OP, { StreamName: name, TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" });
      await ok("PutRecords", { StreamName: name, Records: records(60) });
      const read = await readLineage(name);
      expect(read.length).toBe(90);
      for (let k = 0; k < 7; k++) {
        const ofKey = read
          .filter((r) => r.PartitionKey === `k${k}`)
          .map((r) => Number(atob(r.Data)));
        expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
      }
    });

    it("refuses more than double or less than half, in AWS's words", async () => {
      const name = uniqueName("usc-bounds");
      await createStream(name, 4);
      await expectError(
        OP,
        { StreamName: name, TargetShardCount: 9, ScalingType: "UNIFORM_SCALING" },
        "LimitExceededException",
        "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9",
      );
      await expectError(
        OP,
        { StreamName: name, TargetShardCount: 1, ScalingType: "UNIFORM_SCALING" },
        "LimitExceededException",
        "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1",
      );
    });

    itInside("refuses to go beyond the account's shard limit", async () => {
      const region = freshRegion("usc");
      await setShardLimit(region, 5);
      const name = uniqueName("usc-limit");
      await createStream(name, 4, region);
      await expectError(
        OP,
        { StreamName: name, TargetShardCount: 6, ScalingType: "UNIFORM_SCALING" },
        "LimitExceededException",
        `This request would exceed the shard limit for the account ${ACCOUNT} in ${region}. Current shard count for the account: 4. Limit: 5. Number of additional shards that would have resulted from this request: 2. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
        { region },
      );
    });

    itInside("allows ten scalings in a rolling day, and refuses while UPDATING", async () => {
      const region = freshRegion("usc");
      let now = Date.now();
      await setControlClock(region, now);
      const name = uniqueName("usc-day");
      await createStream(name, 2, region);
      const scale = (to: number) =>
        ok(OP, { StreamName: name, TargetShardCount: to, ScalingType: "UNIFORM_SCALING" }, region);
      for (let i = 0; i < 10; i++) {
        await scale(i % 2 === 0 ? 1 : 2);
        await expectError(
          OP,
          { StreamName: name, TargetShardCount: 2, ScalingType: "UNIFORM_SCALING" },
          "ResourceInUseException",
          `Stream ${name} under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
          { region },
        );
        now += 60_000;
        await setControlClock(region, now);
      }
      const eleventh = { StreamName: name, TargetShardCount: 1, ScalingType: "UNIFORM_SCALING" };
      const refused = await ok("DescribeStreamSummary", { StreamName: name }, region);
      expect((refused.StreamDescriptionSummary as { StreamStatus: string }).StreamStatus).toBe(
        "ACTIVE",
      );
      await expectError(
        OP,
        eleventh,
        "LimitExceededException",
        `UpdateShardCount for stream ${name} under account ${ACCOUNT} exceeds the limit of 10 scaling operations in a rolling 24-hour period.`,
        { region },
      );
      // A day after the first, one more is allowed.
      await setControlClock(region, now - 10 * 60_000 + 24 * 3_600_000);
      await ok(OP, eleventh, region);
    });

    itInside("refuses a stream that is still CREATING", async () => {
      await expectRefusedWhileCreating(OP, "usc", (name) => ({
        StreamName: name,
        TargetShardCount: 2,
        ScalingType: "UNIFORM_SCALING",
      }));
    });
  });
});
