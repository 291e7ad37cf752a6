import { listLimit, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/** DescribeStream, with Limit and ExclusiveStartShardId paging over shards. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    Limit: listLimit,
    ExclusiveStartShardId: shardId,
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    const page: { limit?: number; exclusiveStartShardId?: string } = {};
    if (input.Limit !== undefined) page.limit = input.Limit;
    if (input.ExclusiveStartShardId !== undefined)
      page.exclusiveStartShardId = input.ExclusiveStartShardId;
    return controlPlane(env, scope).describeStream(name, page);
  },
});
