/**
 * The shard object's RPC vocabulary. Results are plain data (structured
 * clone), never thrown errors: an RPC error loses its class on the way, so a
 * shard reports AWS errors as `{ error }` and the Worker rebuilds them.
 */
import type { KinesisErrorType } from "../../src/kinesis/errors.js";
import type { ChildShard } from "../../src/kinesis/model.js";

/** What a shard is told about itself when its stream creates it. */
export interface ShardConfig {
  readonly account: string;
  readonly region: string;
  readonly streamName: string;
  /** The stream incarnation (32 hex characters); shard objects are named by it. */
  readonly incarnation: string;
  /** The stream's epoch (ms), encoded in every sequence number. */
  readonly epoch: number;
  readonly shardId: string;
  readonly shardIndex: number;
  readonly startingHashKey: string;
  readonly endingHashKey: string;
  readonly parentShardId?: string;
  readonly adjacentParentShardId?: string;
  readonly retentionHours: number;
  /** The stream's iterator key, hex; iterators are HMAC'd with it. */
  readonly iteratorKey: string;
  readonly createdAt: number;
  /** Whether the stream is ON_DEMAND when the shard is made; UpdateStreamMode changes it later. */
  readonly onDemand?: boolean;
}

/** An AWS error, as data. */
export interface WireError {
  readonly type: KinesisErrorType;
  readonly message: string;
}

/** The shard no longer belongs to a live stream: it was dropped, or never created. */
export interface Gone {
  readonly gone: true;
}

/** The shard is closed to writes (it was split or merged). */
export interface Closed {
  readonly closed: true;
}

export interface AppendEntry {
  /** The partition key, UTF-8. */
  readonly key: Uint8Array;
  readonly data: Uint8Array;
}

/**
 * The sequence numbers of the records appended, in order. Under throughput
 * limits a shard may append only the first records of a batch; `throttled`
 * counts the rest, which were not written.
 */
export type AppendResult =
  | { readonly sequenceNumbers: string[]; readonly throttled: number }
  | Gone
  | Closed;

export type ShardIteratorType =
  | "AT_SEQUENCE_NUMBER"
  | "AFTER_SEQUENCE_NUMBER"
  | "TRIM_HORIZON"
  | "LATEST"
  | "AT_TIMESTAMP";

export interface IteratorRequest {
  readonly type: ShardIteratorType;
  readonly sequenceNumber?: string;
  /** AT_TIMESTAMP: milliseconds. */
  readonly timestamp?: number;
}

export type IteratorResult = { readonly iterator: string } | Gone | { readonly error: WireError };

/**
 * Records read from one segment: consecutive positions that share an arrival
 * time, still packed (segment.ts). A read answers with runs rather than a
 * record object each, so the call carries a few buffers, and the Worker
 * unpacks them straight into the response.
 */
export interface RecordRun {
  readonly firstPosition: number;
  /** Arrival time, ms. */
  readonly arrival: number;
  readonly count: number;
  readonly body: Uint8Array;
}

export type ReadResult =
  | {
      readonly runs: RecordRun[];
      /** The stream epoch, for the sequence numbers of the runs' positions. */
      readonly epoch: number;
      /** Null once a closed shard has been read to its end. */
      readonly nextIterator: string | null;
      readonly millisBehindLatest: number;
      /** At the end of a closed shard: the shards that continue it. */
      readonly childShards?: ChildShard[];
    }
  | Gone
  | { readonly error: WireError };

/** A shard closed by a reshard: its last position, and its children. */
export type CloseResult = { readonly endingPosition: number } | Gone;

export function isGone(result: object): result is Gone {
  return "gone" in result;
}
export function isClosed(result: object): result is Closed {
  return "closed" in result;
}
export function isError(result: object): result is { error: WireError } {
  return "error" in result;
}
