import { hashKey, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * SplitShard: closes a shard and opens two that share its hash key range at
 * NewStartingHashKey. Writes to the closed shard are refused from then on and
 * go to its children; its records stay readable until they expire.
 */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    ShardToSplit: required(shardId),
    NewStartingHashKey: required(hashKey),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    await controlPlane(env, scope).splitShard(name, input.ShardToSplit, input.NewStartingHashKey);
    forgetRoute(scope, name);
    return {};
  },
});
