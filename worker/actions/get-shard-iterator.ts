import { sequenceNumber, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { KinesisError, shardNotFound } from "../../src/kinesis/errors.js";
import { formatShardId, parseShardId } from "../../src/kinesis/sequence-number.js";
import { required, string, struct, timestamp } from "../../src/kinesis/shape.js";
import { routeOf, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import type { IteratorRequest } from "../shard/types.js";
import { isGone } from "../shard/types.js";
import { shardStub } from "../stubs.js";
import { defineAction } from "./action.js";

const ITERATOR_TYPES = [
  "AT_SEQUENCE_NUMBER",
  "AFTER_SEQUENCE_NUMBER",
  "TRIM_HORIZON",
  "LATEST",
  "AT_TIMESTAMP",
] as const;

/** GetShardIterator: TRIM_HORIZON, LATEST, AT_/AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    ShardId: required(shardId),
    ShardIteratorType: required(string({ enum: ITERATOR_TYPES })),
    StartingSequenceNumber: sequenceNumber,
    Timestamp: timestamp(),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    const type = input.ShardIteratorType;
    const bySequence = type === "AT_SEQUENCE_NUMBER" || type === "AFTER_SEQUENCE_NUMBER";
    const hasSequence = input.StartingSequenceNumber !== undefined;
    // AWS's wording for a type and a StartingSequenceNumber that do not go together.
    if (bySequence !== hasSequence || (type !== "AT_TIMESTAMP" && hasSequence && !bySequence)) {
      throw new KinesisError(
        "InvalidArgumentException",
        `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and ${hasSequence ? "also a" : "no"} StartingSequenceNumber.`,
      );
    }
    if (type === "AT_TIMESTAMP" && input.Timestamp === undefined) {
      throw new KinesisError(
        "InvalidArgumentException",
        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
      );
    }
    if (type !== "AT_TIMESTAMP" && input.Timestamp !== undefined) {
      throw new KinesisError(
        "InvalidArgumentException",
        `Must specify timestampInMillis parameter only for iterator of type AT_TIMESTAMP. Current request has timestamp parameter with iterator type ${type}.`,
      );
    }
    const index = parseShardId(input.ShardId);
    const canonical = index === undefined ? input.ShardId : formatShardId(index);
    const request: IteratorRequest = { type };
    if (input.StartingSequenceNumber !== undefined) {
      Object.assign(request, { sequenceNumber: input.StartingSequenceNumber });
    }
    if (input.Timestamp !== undefined) Object.assign(request, { timestamp: input.Timestamp.getTime() });

    for (let attempt = 0; attempt < 2; attempt++) {
      const route = await routeOf(env, scope, name, { refresh: attempt > 0 });
      const shard = route.shards.find((s) => s.shardIndex === index);
      if (!shard) throw shardNotFound(canonical, name, scope.account);
      const answer = await shardStub(env, route.incarnation, shard.shardId).iterator(request);
      if (isGone(answer)) continue; // a stale map: the stream was recreated
      return { ShardIterator: unwrap(answer).iterator };
    }
    throw shardNotFound(canonical, name, scope.account);
  },
});
