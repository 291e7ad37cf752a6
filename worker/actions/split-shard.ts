import { hashKey, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { forgetRoute, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
    const result = unwrap(
      await controlStub(env, scope.account, scope.region).splitShard(
        scope,
        name,
        input.ShardToSplit,
        input.NewStartingHashKey,
      ),
    );
    forgetRoute(scope, name);
    return result;
  },
});
