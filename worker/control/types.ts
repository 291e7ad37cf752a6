/**
 * The control plane's RPC vocabulary.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import type { StreamMode } from "../../src/kinesis/constraints.js";

export type ScopeRef = Scope;

export interface CreateStreamRequest {
  name: string;
  mode: StreamMode;
  shardCount?: number;
  maxRecordKib?: number;
  tags?: Record<string, string>;
  warmThroughputMiBps?: number;
}

/** ListShards ShardFilter types, in the model's order. */
export const SHARD_FILTER_TYPES = [
  "AFTER_SHARD_ID",
  "AT_TRIM_HORIZON",
  "FROM_TRIM_HORIZON",
  "AT_LATEST",
  "AT_TIMESTAMP",
  "FROM_TIMESTAMP",
] as const;
export type ShardFilterType = (typeof SHARD_FILTER_TYPES)[number];

export interface ListShardsRequest {
  streamName?: string;
  nextToken?: string;
  exclusiveStartShardId?: string;
  maxResults?: number;
  /** Milliseconds. */
  streamCreationTimestamp?: number;
  filter?: { type: ShardFilterType; shardId?: string; timestamp?: number };
}

/** A shard as the router sees it. */
export interface RouteShard {
  shardId: string;
  shardIndex: number;
  startingHashKey: string;
  endingHashKey: string;
  open: boolean;
}

/** What the Worker needs to route writes and reads of one stream. */
export interface Route {
  incarnation: string;
  epoch: number;
  /** The stream is CREATING until then. */
  activeAt: number;
  maxRecordBytes: number;
  shards: RouteShard[];
}
