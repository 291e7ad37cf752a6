import { sequenceNumber, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { isKinesisError, KinesisError, shardNotFound } from "../../src/kinesis/errors.js";
import { formatShardId, parseShardId } from "../../src/kinesis/sequence-number.js";
import { required, string, struct, timestamp } from "../../src/kinesis/shape.js";
import { type CachedRoute, routeOf, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import type { IteratorRequest, ShardIteratorType } from "../shard/types.js";
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
    // AWS's order: the shard id must parse, then the stream and shard must
    // exist, and only then are the type and its parameters checked.
    const index = parseShardId(input.ShardId);
    if (index === undefined) {
      // AWS's wording for a shard id it cannot read.
      throw new KinesisError(
        "ResourceNotFoundException",
        `Could not find shard ${input.ShardId} in stream ${name} under account ${scope.account}.`,
      );
    }
    const canonical = formatShardId(index);
    const request = iteratorRequest(input);

    for (let attempt = 0; attempt < 2; attempt++) {
      let route: CachedRoute;
      try {
        route = await routeOf(env, scope, name, { refresh: attempt > 0 });
      } catch (error) {
        // AWS names the shard, not the stream, when the stream does not exist.
        if (isKinesisError(error) && error.type === "ResourceNotFoundException") {
          throw shardNotFound(canonical, name, scope.account);
        }
        throw error;
      }
      const shard = route.shards.find((s) => s.shardIndex === index);
      // A shard a reshard opened since the map was cached: look again.
      if (!shard && attempt === 0) continue;
      if (!shard) throw shardNotFound(canonical, name, scope.account);
      checkParameters(type, input.StartingSequenceNumber, input.Timestamp);
      const answer = await shardStub(env, route.incarnation, shard.shardId).iterator(request);
      if (isGone(answer)) continue; // a stale map: the stream was recreated
      return { ShardIterator: unwrap(answer).iterator };
    }
    throw shardNotFound(canonical, name, scope.account);
  },
});

function iteratorRequest(input: {
  ShardIteratorType: ShardIteratorType;
  StartingSequenceNumber?: string;
  Timestamp?: Date;
}): IteratorRequest {
  const request: IteratorRequest = { type: input.ShardIteratorType };
  if (input.StartingSequenceNumber !== undefined) {
    Object.assign(request, { sequenceNumber: input.StartingSequenceNumber });
  }
  if (input.Timestamp !== undefined)
    Object.assign(request, { timestamp: input.Timestamp.getTime() });
  return request;
}

/** Refuses a type and parameters that do not go together, in AWS's words. */
function checkParameters(
  type: ShardIteratorType,
  sequenceNumber: string | undefined,
  timestamp: Date | undefined,
): void {
  const bySequence = type === "AT_SEQUENCE_NUMBER" || type === "AFTER_SEQUENCE_NUMBER";
  const hasSequence = sequenceNumber !== undefined;
  if (bySequence !== hasSequence) {
    throw new KinesisError(
      "InvalidArgumentException",
      `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and ${hasSequence ? "also a" : "no"} StartingSequenceNumber.`,
    );
  }
  if (type === "AT_TIMESTAMP" && timestamp === undefined) {
    throw new KinesisError(
      "InvalidArgumentException",
      "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
    );
  }
  if (type !== "AT_TIMESTAMP" && timestamp !== undefined) {
    throw new KinesisError(
      "InvalidArgumentException",
      `Must specify timestampInMillis parameter only for iterator of type AT_TIMESTAMP. Current request has timestamp parameter with iterator type ${type}.`,
    );
  }
}
