import { describe, expect, it } from "vitest";
import { createStream, ok, streamArnOf, uniqueName } from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { ALL, enhancedMonitoringInputCases, monitored } from "./enhanced-monitoring.case.js";

const OP = "EnableEnhancedMonitoring";

describeEachWire("EnableEnhancedMonitoring", () => {
  enhancedMonitoringInputCases(OP);

  describe("behaviour", () => {
    it("starts with no metrics enabled", async () => {
      const name = uniqueName("em-none-yet");
      await createStream(name, 1);
      expect(await monitored(name)).toEqual([]);
    });

    it("answers with the metrics before and after, in the model's order, and keeps them", async () => {
      const name = uniqueName("em");
      await createStream(name, 1);
      expect(
        await ok(OP, { StreamName: name, ShardLevelMetrics: ["OutgoingBytes", "IncomingBytes"] }),
      ).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: [],
        DesiredShardLevelMetrics: ["IncomingBytes", "OutgoingBytes"],
        StreamARN: streamArnOf(name),
      });
      expect(await monitored(name)).toEqual(["IncomingBytes", "OutgoingBytes"]);
      expect(
        await ok(OP, {
          StreamARN: streamArnOf(name),
          ShardLevelMetrics: [
            "IncomingBytes",
            "IteratorAgeMilliseconds",
            "IteratorAgeMilliseconds",
          ],
        }),
      ).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: ["IncomingBytes", "OutgoingBytes"],
        DesiredShardLevelMetrics: ["IncomingBytes", "OutgoingBytes", "IteratorAgeMilliseconds"],
        StreamARN: streamArnOf(name),
      });
      expect(await monitored(name)).toEqual([
        "IncomingBytes",
        "OutgoingBytes",
        "IteratorAgeMilliseconds",
      ]);
    });

    it("expands ALL to every metric", async () => {
      const name = uniqueName("em-all");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, ShardLevelMetrics: ["IncomingRecords"] });
      expect(await ok(OP, { StreamName: name, ShardLevelMetrics: ["ALL"] })).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: ["IncomingRecords"],
        DesiredShardLevelMetrics: ALL,
        StreamARN: streamArnOf(name),
      });
      expect(await monitored(name)).toEqual(ALL);
      // Enabling again changes nothing.
      expect(
        await ok(OP, { StreamName: name, ShardLevelMetrics: ["ALL", "IncomingBytes"] }),
      ).toEqual({
        StreamName: name,
        CurrentShardLevelMetrics: ALL,
        DesiredShardLevelMetrics: ALL,
        StreamARN: streamArnOf(name),
      });
    });
  });
});
