import { metricsNameList, streamTarget } from "../../src/kinesis/constraints.js";
import type { EnhancedMonitoringOutput } from "../../src/kinesis/model.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * Enable- and DisableEnhancedMonitoring share their input and output and
 * differ only in whether the metrics are added or removed.
 */
export function enhancedMonitoringAction(change: "enable" | "disable") {
  return defineAction({
    input: struct({
      StreamName: streamTarget.StreamName,
      ShardLevelMetrics: required(metricsNameList),
      StreamARN: streamTarget.StreamARN,
      StreamId: streamTarget.StreamId,
    }),
    async handle(input, { env, scope }): Promise<EnhancedMonitoringOutput> {
      const name = streamNameOf(scope, input);
      return controlPlane(env, scope).changeMonitoring(name, input.ShardLevelMetrics, change);
    },
  });
}
