import {
  listLimit,
  nextToken,
  shardId,
  streamTarget,
  when,
} from "../../src/kinesis/constraints.js";
import {
  nextTokenOrStreamNameRequired,
  nextTokenWithExclusiveStartShardId,
  nextTokenWithStreamName,
  shardFilterShardId,
  shardFilterTimestamp,
} from "../../src/kinesis/errors/index.js";
import { required, string, struct, timestamp } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { type ListShardsRequest, SHARD_FILTER_TYPES } from "../control/contract.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/** ListShards, with NextToken, ExclusiveStartShardId, MaxResults and ShardFilter. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    NextToken: nextToken,
    ExclusiveStartShardId: shardId,
    MaxResults: listLimit,
    StreamCreationTimestamp: when,
    ShardFilter: struct({
      Type: required(string({ enum: SHARD_FILTER_TYPES })),
      ShardId: shardId,
      Timestamp: timestamp(),
    }),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const request: ListShardsRequest = {};
    if (input.NextToken !== undefined) {
      // A NextToken carries the stream and the position; AWS refuses both together.
      if (input.StreamName !== undefined || input.StreamARN !== undefined) {
        throw nextTokenWithStreamName();
      }
      if (input.ExclusiveStartShardId !== undefined) {
        throw nextTokenWithExclusiveStartShardId();
      }
      request.nextToken = input.NextToken;
    } else {
      if (input.StreamName === undefined && input.StreamARN === undefined) {
        throw nextTokenOrStreamNameRequired();
      }
      request.streamName = streamNameOf(scope, input);
    }
    if (input.ExclusiveStartShardId !== undefined)
      request.exclusiveStartShardId = input.ExclusiveStartShardId;
    if (input.MaxResults !== undefined) request.maxResults = input.MaxResults;
    if (input.StreamCreationTimestamp !== undefined) {
      request.streamCreationTimestamp = input.StreamCreationTimestamp.getTime();
    }
    const filter = input.ShardFilter;
    if (filter) {
      const needsShard = filter.Type === "AFTER_SHARD_ID";
      const needsTime = filter.Type === "AT_TIMESTAMP" || filter.Type === "FROM_TIMESTAMP";
      if (needsShard !== (filter.ShardId !== undefined)) throw shardFilterShardId(filter.Type);
      if (needsTime !== (filter.Timestamp !== undefined)) {
        throw shardFilterTimestamp(filter.Type, needsTime);
      }
      request.filter = { type: filter.Type };
      if (filter.ShardId !== undefined) request.filter.shardId = filter.ShardId;
      if (filter.Timestamp !== undefined) request.filter.timestamp = filter.Timestamp.getTime();
    }
    return controlPlane(env, scope).listShards(request);
  },
});
