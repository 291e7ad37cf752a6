import { metricsNameList, streamTarget } from "../../src/kinesis/constraints.js";
import type { EnhancedMonitoringOutput } from "../../src/kinesis/model.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
      return unwrap(
        await controlStub(env, scope.account, scope.region).changeMonitoring(
          scope,
          name,
          input.ShardLevelMetrics,
          change,
        ),
      );
    },
  });
}
