import { describe, expect, it } from "vitest";
import {
  createOnDemandStream,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  freshRegion,
  listShards,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  setControlClock,
  streamArnOf,
  summaryOf,
  uniqueName,
  waitForActive,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "UpdateStreamMode";
const ACCOUNT = "000000000000";

const mode = (StreamMode: string) => ({ StreamMode });

describeEachWire("UpdateStreamMode", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamARN", "String"],
      ["StreamId", "String"],
      ["StreamModeDetails", "Structure"],
      ["WarmThroughputMiBps", "Integer"],
    ]);
  });

  describe("validation", () => {
    it("requires StreamARN and StreamModeDetails", async () => {
      await expectValidation(OP, {}, [
        failure("null", "streamARN", rule.notNull),
        failure("null", "streamModeDetails", rule.notNull),
      ]);
    });

    it("takes PROVISIONED or ON_DEMAND, and a stream ARN", async () => {
      await expectValidation(
        OP,
        { StreamARN: "stream/x", StreamModeDetails: mode("FAST"), WarmThroughputMiBps: -1 },
        [
          failure("'stream/x'", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure(
            "'FAST'",
            "streamModeDetails.streamMode",
            rule.enum(["PROVISIONED", "ON_DEMAND"]),
          ),
          failure("'-1'", "warmThroughputMiBps", rule.minValue(0)),
        ],
      );
    });
  });

  describe("behaviour", () => {
    it("makes a provisioned stream ON_DEMAND with at least 4 shards, and PROVISIONED again", async () => {
      const name = uniqueName("mode");
      await createStream(name, 1);
      await ok(OP, { StreamARN: streamArnOf(name), StreamModeDetails: mode("ON_DEMAND") });
      expect((await summaryOf(name)).StreamStatus).toBe("UPDATING");
      await waitForActive(name);
      expect(await summaryOf(name)).toMatchObject({
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
        OpenShardCount: 4,
      });
      const open = (await listShards(name)).filter(
        (s) => s.SequenceNumberRange.EndingSequenceNumber === undefined,
      );
      expect(open.length).toBe(4);
      await ok(OP, { StreamARN: streamArnOf(name), StreamModeDetails: mode("PROVISIONED") });
      await waitForActive(name);
      expect(await summaryOf(name)).toMatchObject({
        StreamModeDetails: { StreamMode: "PROVISIONED" },
        OpenShardCount: 4,
      });
    });

    it("keeps the shards of a stream that has more than 4", async () => {
      const name = uniqueName("mode-big");
      await createStream(name, 6);
      await ok(OP, { StreamARN: streamArnOf(name), StreamModeDetails: mode("ON_DEMAND") });
      expect((await summaryOf(name)).OpenShardCount).toBe(6);
    });

    it("changes nothing when the stream already has that mode", async () => {
      const name = uniqueName("mode-same");
      await createOnDemandStream(name);
      await ok(OP, { StreamARN: streamArnOf(name), StreamModeDetails: mode("ON_DEMAND") });
      expect((await summaryOf(name)).StreamStatus).toBe("ACTIVE");
    });

    itInside("allows two switches in a rolling day", async () => {
      const region = freshRegion("mode");
      let now = Date.now();
      await setControlClock(region, now);
      const name = uniqueName("mode-day");
      await createStream(name, 4, region);
      const arn = streamArnOf(name, region);
      for (const next of ["ON_DEMAND", "PROVISIONED"]) {
        await ok(OP, { StreamARN: arn, StreamModeDetails: mode(next) }, region);
        now += 60_000;
        await setControlClock(region, now);
      }
      const third = { StreamARN: arn, StreamModeDetails: mode("ON_DEMAND") };
      await expectError(
        OP,
        third,
        "LimitExceededException",
        `Stream ${name} under account ${ACCOUNT} has had its capacity mode updated 2 times in the last 24 hours; the limit is 2.`,
        { region },
      );
      await setControlClock(region, now - 120_000 + 24 * 3_600_000);
      await ok(OP, third, region);
    });

    refusesMissingStream(OP, "mode-nf", (name) => ({
      StreamARN: streamArnOf(name),
      StreamModeDetails: mode("ON_DEMAND"),
    }));

    itInside("refuses a stream that is still CREATING", async () => {
      await expectRefusedWhileCreating(OP, "mode", (n, region) => ({
        StreamARN: streamArnOf(n, region),
        StreamModeDetails: mode("ON_DEMAND"),
      }));
    });
  });
});
