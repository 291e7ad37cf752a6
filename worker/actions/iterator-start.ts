/**
 * Where a read starts, as GetShardIterator and SubscribeToShard's
 * StartingPosition both say it: an iterator type and the sequence number or
 * timestamp it needs.
 */
import {
  sequenceNumberMismatch,
  timestampNotAllowed,
  timestampRequired,
} from "../../src/kinesis/errors/index.js";
import type { IteratorRequest, ShardIteratorType } from "../shard/contract.js";

/** The model's ShardIteratorType, in its order. */
export const ITERATOR_TYPES = [
  "AT_SEQUENCE_NUMBER",
  "AFTER_SEQUENCE_NUMBER",
  "TRIM_HORIZON",
  "LATEST",
  "AT_TIMESTAMP",
] as const;

/** The shard's view of a start: the type, and the parameter it takes. */
export function iteratorRequest(
  type: ShardIteratorType,
  sequenceNumber: string | undefined,
  timestamp: Date | undefined,
): IteratorRequest {
  return {
    type,
    ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    ...(timestamp === undefined ? {} : { timestamp: timestamp.getTime() }),
  };
}

/** Refuses a type and parameters that do not go together. */
export function checkStartParameters(
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
