import { describe, expect, it } from "vitest";
import { createStream, ok, streamArnOf, uniqueName } from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { ALL, enhancedMonitoringInputCases, monitored } from "./enhanced-monitoring.case.js";

const OP = "DisableEnhancedMonitoring";

describeEachWire("DisableEnhancedMonitoring", () => {
  enhancedMonitoringInputCases(OP);

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
