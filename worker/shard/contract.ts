/**
 * The shard object's contract: its RPC methods and what they carry. Every
 * method answers a `Reply` (../reply.ts): `{ ok }`, an AWS `{ error }`, or
 * the signals `{ gone }` (the stream was deleted) and `{ closed }` (the
 * shard was resharded), on which the Worker reloads its shard map.
 * Everything is plain data (structured clone).
 */
import type { ChildShard } from "../../src/kinesis/model.js";
import type { Reply } from "../reply.js";
import type { PackedSegment } from "./segment.js";

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
export interface Appended {
  readonly sequenceNumbers: string[];
  readonly throttled: number;
}

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

export interface ReadOutput {
  readonly runs: RecordRun[];
  /** The stream epoch, for the sequence numbers of the runs' positions. */
  readonly epoch: number;
  /** Null once a closed shard has been read to its end. */
  readonly nextIterator: string | null;
  readonly millisBehindLatest: number;
  /** At the end of a closed shard: the shards that continue it. */
  readonly childShards?: ChildShard[];
}

/** SubscribeToShard, as the Worker hands it to the shard. */
export interface SubscribeRequest {
  readonly consumerArn: string;
  readonly consumerName: string;
  readonly start: IteratorRequest;
  /** The request's codec, which the events' payloads use. */
  readonly wire: "json" | "cbor";
}

/** Where a closed shard's log ended. */
export interface Closing {
  readonly endingPosition: number;
}

/**
 * The shard object's RPC methods. The Worker calls them through
 * worker/clients/, the control plane directly.
 */
export interface ShardContract {
  /** Creates the shard; a repeat with the same config changes nothing. */
  init(config: ShardConfig): Promise<Reply<void>>;
  /** Deletes everything the shard holds; later calls answer gone. */
  drop(): Promise<Reply<void>>;
  /** Closes the shard to writes (a reshard): its log ends here, and `children` continue it. */
  close(children: ChildShard[]): Promise<Reply<Closing>>;
  /** UpdateStreamMode: whether the shard scales itself. */
  setOnDemand(onDemand: boolean): Promise<Reply<void>>;
  /** Increase- and DecreaseStreamRetentionPeriod. */
  setRetention(hours: number): Promise<Reply<void>>;
  /** Appends a batch of packed segments in one transaction. */
  append(segments: readonly PackedSegment[]): Promise<Reply<Appended>>;
  /** GetShardIterator. */
  iterator(request: IteratorRequest): Promise<Reply<string>>;
  /** GetRecords from an iterator whose MAC the Worker has checked. */
  read(token: string, limit: number): Promise<Reply<ReadOutput>>;
  /**
   * SubscribeToShard: the event stream the Worker answers with, opening with
   * its initial response; or the error AWS answers before any stream (a
   * subscription of the same consumer younger than 5 seconds, a bad start).
   */
  subscribe(request: SubscribeRequest): Promise<Reply<ReadableStream<Uint8Array>>>;
  /** How many records the shard holds. */
  count(): Promise<Reply<number>>;
}
