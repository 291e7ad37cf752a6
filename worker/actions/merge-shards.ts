import { shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { forgetRoute, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
    const result = unwrap(
      await controlStub(env, scope.account, scope.region).mergeShards(
        scope,
        name,
        input.ShardToMerge,
        input.AdjacentShardToMerge,
      ),
    );
    forgetRoute(scope, name);
    return result;
  },
});
