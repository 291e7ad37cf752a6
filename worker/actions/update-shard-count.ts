import { streamTarget } from "../../src/kinesis/constraints.js";
import { integer, required, string, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

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
    const result = await controlPlane(env, scope).updateShardCount(name, input.TargetShardCount);
    forgetRoute(scope, name);
    return result;
  },
});
