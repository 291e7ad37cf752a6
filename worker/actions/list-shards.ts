import {
  listLimit,
  nextToken,
  shardId,
  streamTarget,
  when,
} from "../../src/kinesis/constraints.js";
import { KinesisError } from "../../src/kinesis/errors.js";
import { required, string, struct, timestamp } from "../../src/kinesis/shape.js";
import { type ListShardsRequest, SHARD_FILTER_TYPES } from "../control/types.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
        throw new KinesisError(
          "InvalidArgumentException",
          "NextToken and StreamName cannot be provided together.",
        );
      }
      if (input.ExclusiveStartShardId !== undefined) {
        throw new KinesisError(
          "InvalidArgumentException",
          "NextToken and ExclusiveStartShardId cannot be provided together.",
        );
      }
      request.nextToken = input.NextToken;
    } else {
      if (input.StreamName === undefined && input.StreamARN === undefined) {
        // AWS's wording.
        throw new KinesisError(
          "InvalidArgumentException",
          "Either NextToken or StreamName should be provided.",
        );
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
      if (needsShard !== (filter.ShardId !== undefined)) {
        throw new KinesisError(
          "InvalidArgumentException",
          needsShard
            ? "ShardId must be provided with ShardFilter type AFTER_SHARD_ID."
            : `ShardId must not be provided with ShardFilter type ${filter.Type}.`,
        );
      }
      if (needsTime !== (filter.Timestamp !== undefined)) {
        throw new KinesisError(
          "InvalidArgumentException",
          needsTime
            ? `Timestamp must be provided with ShardFilter type ${filter.Type}.`
            : `Timestamp must not be provided with ShardFilter type ${filter.Type}.`,
        );
      }
      request.filter = { type: filter.Type };
      if (filter.ShardId !== undefined) request.filter.shardId = filter.ShardId;
      if (filter.Timestamp !== undefined) request.filter.timestamp = filter.Timestamp.getTime();
    }
    return unwrap(await controlStub(env, scope.account, scope.region).listShards(scope, request));
  },
});
