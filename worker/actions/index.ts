/**
 * The operations this service implements, by name. The compiler checks every
 * key is an operation of the model; an operation not yet here is answered
 * UnknownOperationException.
 */
import type { Operation } from "../../src/kinesis/operations.js";
import type { StructureShape } from "../../src/kinesis/shape.js";
import type { Action } from "./action.js";
import createStream from "./create-stream.js";
import deleteStream from "./delete-stream.js";
import describeStream from "./describe-stream.js";
import describeStreamSummary from "./describe-stream-summary.js";
import getRecords from "./get-records.js";
import getShardIterator from "./get-shard-iterator.js";
import listShards from "./list-shards.js";
import listStreams from "./list-streams.js";
import putRecord from "./put-record.js";
import putRecords from "./put-records.js";

// Each action keeps its precise input type; the registry only needs to call it.
type AnyAction = Action<StructureShape, object>;

export const actions: Partial<Record<Operation, AnyAction>> = {
  CreateStream: createStream,
  DeleteStream: deleteStream,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  ListShards: listShards,
  ListStreams: listStreams,
  PutRecord: putRecord,
  PutRecords: putRecords,
} satisfies Partial<Record<Operation, AnyAction>>;
