import { streamTarget } from "../../src/kinesis/constraints.js";
import { integer, required, string, struct } from "../../src/kinesis/shape.js";
import { forgetRoute, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/**
 * UpdateShardCount: the splits and merges that leave TargetShardCount shards
 * of even hash key ranges (src/kinesis/resharding.ts).
 */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    TargetShardCount: required(integer({ min: 1 })),
    ScalingType: required(string({ enum: ["UNIFORM_SCALING"] })),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    const result = unwrap(
      await controlStub(env, scope.account, scope.region).updateShardCount(
        scope,
        name,
        input.TargetShardCount,
      ),
    );
    forgetRoute(scope, name);
    return result;
  },
});
