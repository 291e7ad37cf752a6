/**
 * Member shapes shared by many operations, with the model's constraints.
 * Each operation's input spec builds on these.
 */
import { matchesResourceArnPattern, matchesStreamArnPattern } from "./arn.js";
import { integer, list, map, string, timestamp } from "./shape.js";

export const streamName = string({ min: 1, max: 128, pattern: "^[a-zA-Z0-9_.-]+$" });
export const streamArn = string({
  min: 1,
  max: 2048,
  pattern: "^arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+$",
  matches: matchesStreamArnPattern,
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

/** Retention a stream may have, in hours (Increase/DecreaseStreamRetentionPeriod). */
export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;

export const tagKey = string({ min: 1, max: 128 });
export const tagValue = string({ min: 0, max: 256 });
/** The model's TagMap: at most 200 entries per request, though a stream keeps at most 50. */
export const tagMap = map(tagKey, tagValue, { min: 1, max: 200 });
export const tagKeyList = list(tagKey, { min: 1, max: 50 });
/** A stream keeps at most this many tags, as AWS's documentation says. */
export const MAX_TAGS_PER_STREAM = 50;

/** The model's ResourceARN: a stream ARN, or a consumer ARN under one. */
export const resourceArn = string({
  min: 1,
  max: 2048,
  pattern: "^arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+$",
  matches: matchesResourceArnPattern,
});

export const maxRecordSizeInKiB = integer({ min: 1024, max: 10240 });
/** The model's NaturalIntegerObject. */
export const naturalInteger = integer({ min: 0 });

/** The shard-level metrics, in the model's order; "ALL" names every one of them. */
export const SHARD_LEVEL_METRICS = [
  "IncomingBytes",
  "IncomingRecords",
  "OutgoingBytes",
  "OutgoingRecords",
  "WriteProvisionedThroughputExceeded",
  "ReadProvisionedThroughputExceeded",
  "IteratorAgeMilliseconds",
] as const;
export type ShardLevelMetric = (typeof SHARD_LEVEL_METRICS)[number];
export const metricsNameList = list(string({ enum: [...SHARD_LEVEL_METRICS, "ALL"] }), {
  min: 1,
  max: 7,
});

/** On-demand streams one account may have in one region (AWS's default quota). */
export const ON_DEMAND_STREAM_LIMIT = 50;
/** The most warm throughput an on-demand stream may ask for: 10 GiBps, AWS's default limit. */
export const MAX_WARM_THROUGHPUT_MIBPS = 10240;

/** MinimumThroughputBillingCommitment: a commitment lasts at least this long once enabled. */
export const MIN_COMMITMENT_MS = 24 * 60 * 60 * 1000;
export const COMMITMENT_INPUT_STATUSES = ["ENABLED", "DISABLED"] as const;
export type CommitmentStatus = "ENABLED" | "DISABLED" | "ENABLED_UNTIL_EARLIEST_ALLOWED_END";
