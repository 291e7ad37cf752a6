import { sequenceNumber, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import {
  couldNotFindShard,
  sequenceNumberMismatch,
  timestampNotAllowed,
  timestampRequired,
} from "../../src/kinesis/errors/index.js";
import { parseShardId } from "../../src/kinesis/sequence-number.js";
import { required, string, struct, timestamp } from "../../src/kinesis/shape.js";
import { shardIterator } from "../clients/shards.js";
import type { IteratorRequest, ShardIteratorType } from "../shard/contract.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

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
    // AWS's order: the shard id must parse, then the stream and shard must
    // exist, and only then are the type and its parameters checked.
    const index = parseShardId(input.ShardId);
    if (index === undefined) throw couldNotFindShard(input.ShardId, name, scope.account);
    const request: IteratorRequest = {
      type: input.ShardIteratorType,
      ...(input.StartingSequenceNumber === undefined
        ? {}
        : { sequenceNumber: input.StartingSequenceNumber }),
      ...(input.Timestamp === undefined ? {} : { timestamp: input.Timestamp.getTime() }),
    };
    const iterator = await shardIterator(env, scope, name, index, request, () =>
      checkParameters(input.ShardIteratorType, input.StartingSequenceNumber, input.Timestamp),
    );
    return { ShardIterator: iterator };
  },
});

/** Refuses a type and parameters that do not go together. */
function checkParameters(
  type: ShardIteratorType,
  sequenceNumber: string | undefined,
  timestamp: Date | undefined,
): void {
  const bySequence = type === "AT_SEQUENCE_NUMBER" || type === "AFTER_SEQUENCE_NUMBER";
  const hasSequence = sequenceNumber !== undefined;
  if (bySequence !== hasSequence) throw sequenceNumberMismatch(type, hasSequence);
  if (type === "AT_TIMESTAMP" && timestamp === undefined) throw timestampRequired();
  if (type !== "AT_TIMESTAMP" && timestamp !== undefined) throw timestampNotAllowed(type);
}
