/**
 * Member shapes shared by many operations, with the model's constraints.
 * Each operation's input spec builds on these.
 */
import { integer, string, timestamp } from "./shape.js";

export const streamName = string({ min: 1, max: 128, pattern: "^[a-zA-Z0-9_.-]+$" });
export const streamArn = string({
  min: 1,
  max: 2048,
  pattern: "^arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+$",
});
/** "Not Implemented. Reserved for future use." in the model; validated, then ignored. */
export const streamId = string({ min: 1, max: 24, pattern: "^[a-z0-9]{20}-[a-z0-9]{3}$" });
export const shardId = string({ min: 1, max: 128, pattern: "^[a-zA-Z0-9_.-]+$" });
export const sequenceNumber = string({ pattern: "^0|([1-9]\\d{0,128})$" });
export const hashKey = string({ pattern: "^0|([1-9]\\d{0,38})$" });
export const partitionKey = string({ min: 1, max: 256 });
export const nextToken = string({ min: 1, max: 1048576 });
export const listLimit = integer({ min: 1, max: 10000 });
export const when = timestamp();

/** The members by which most operations name their stream. */
export const streamTarget = {
  StreamName: streamName,
  StreamARN: streamArn,
  StreamId: streamId,
} as const;

/** Stream mode names. */
export const STREAM_MODES = ["PROVISIONED", "ON_DEMAND"] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

/** A record's data may be at most this long unless the stream allows more (UpdateMaxRecordSize). */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** PutRecords: the whole request's data and partition keys, in bytes. */
export const MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;
/** GetRecords returns at most this many bytes of data per call. */
export const MAX_GET_RECORDS_BYTES = 10 * 1024 * 1024;
/** Shard iterators expire this long after they are issued. */
export const ITERATOR_LIFETIME_MS = 5 * 60 * 1000;
/** Retention a new stream starts with. */
export const DEFAULT_RETENTION_HOURS = 24;
