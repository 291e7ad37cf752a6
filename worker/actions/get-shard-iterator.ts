import { sequenceNumber, shardId, streamTarget } from "../../src/kinesis/constraints.js";
import { couldNotFindShard } from "../../src/kinesis/errors/index.js";
import { parseShardId } from "../../src/kinesis/sequence-number.js";
import { required, string, struct, timestamp } from "../../src/kinesis/shape.js";
import { shardIterator } from "../clients/shards.js";
import { defineAction } from "./action.js";
import { checkStartParameters, ITERATOR_TYPES, iteratorRequest } from "./iterator-start.js";
import { streamNameOf } from "./targets.js";

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
    const request = iteratorRequest(
      input.ShardIteratorType,
      input.StartingSequenceNumber,
      input.Timestamp,
    );
    const iterator = await shardIterator(env, scope, name, index, request, () =>
      checkStartParameters(input.ShardIteratorType, input.StartingSequenceNumber, input.Timestamp),
    );
    return { ShardIterator: iterator };
  },
});
