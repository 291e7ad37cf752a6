import { shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * MergeShards: closes ShardToMerge and the shard whose range starts right
 * after it, and opens one shard over both ranges.
 */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    ShardToMerge: required(shardId),
    AdjacentShardToMerge: required(shardId),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    await controlPlane(env, scope).mergeShards(
      name,
      input.ShardToMerge,
      input.AdjacentShardToMerge,
    );
    forgetRoute(scope, name);
    return {};
  },
});
