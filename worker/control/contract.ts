/**
 * The control plane's contract: its RPC methods and what they carry. Every
 * method answers a `Reply` (../reply.ts), `{ ok }` or an AWS `{ error }`;
 * the Worker calls it through worker/clients/control.ts, which unwraps it.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import type { ShardLevelMetric, StreamMode } from "../../src/kinesis/constraints.js";
import type {
  AccountSettingsOutput,
  DescribeLimitsOutput,
  EnhancedMonitoringOutput,
  ListShardsOutput,
  ListStreamsOutput,
  ListTagsForStreamOutput,
  StreamDescription,
  StreamDescriptionSummary,
  UpdateStreamWarmThroughputOutput,
} from "../../src/kinesis/model.js";
import type { Reply } from "../reply.js";

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

export interface ShardFilter {
  type: ShardFilterType;
  shardId?: string;
  /** Milliseconds. */
  timestamp?: number;
}

export interface ListShardsRequest {
  streamName?: string;
  nextToken?: string;
  exclusiveStartShardId?: string;
  maxResults?: number;
  /** Milliseconds. */
  streamCreationTimestamp?: number;
  filter?: ShardFilter;
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

export interface UpdateShardCountOutput {
  StreamName: string;
  StreamARN: string;
  CurrentShardCount: number;
  TargetShardCount: number;
}

/** Paging of ListTagsForStream. */
export interface TagPage {
  exclusiveStartTagKey?: string;
  limit?: number;
}

/** The control plane's RPC methods; each names the operation whose rules it runs. */
export interface ControlContract {
  /** The server-wide iterator secret; only the "server" object is asked. */
  serverSecret(): Promise<Reply<string>>;
  createStream(scope: Scope, request: CreateStreamRequest): Promise<Reply<void>>;
  deleteStream(scope: Scope, name: string): Promise<Reply<void>>;
  describeStream(
    scope: Scope,
    name: string,
    page: { limit?: number; exclusiveStartShardId?: string },
  ): Promise<Reply<{ StreamDescription: StreamDescription }>>;
  describeStreamSummary(
    scope: Scope,
    name: string,
  ): Promise<Reply<{ StreamDescriptionSummary: StreamDescriptionSummary }>>;
  listStreams(
    scope: Scope,
    page: { limit?: number; exclusiveStartStreamName?: string; nextToken?: string },
  ): Promise<Reply<ListStreamsOutput>>;
  listShards(scope: Scope, request: ListShardsRequest): Promise<Reply<ListShardsOutput>>;
  /** AddTagsToStream and TagResource. */
  addTags(scope: Scope, name: string, tags: Record<string, string>): Promise<Reply<void>>;
  /** RemoveTagsFromStream and UntagResource. */
  removeTags(scope: Scope, name: string, keys: readonly string[]): Promise<Reply<void>>;
  /** ListTagsForStream and ListTagsForResource. */
  listTags(scope: Scope, name: string, page: TagPage): Promise<Reply<ListTagsForStreamOutput>>;
  /** Increase- and DecreaseStreamRetentionPeriod. */
  changeRetention(
    scope: Scope,
    name: string,
    hours: number,
    change: "increase" | "decrease",
  ): Promise<Reply<void>>;
  updateMaxRecordSize(scope: Scope, name: string, kib: number): Promise<Reply<void>>;
  /** Enable- and DisableEnhancedMonitoring. */
  changeMonitoring(
    scope: Scope,
    name: string,
    metrics: readonly (ShardLevelMetric | "ALL")[],
    change: "enable" | "disable",
  ): Promise<Reply<EnhancedMonitoringOutput>>;
  updateWarmThroughput(
    scope: Scope,
    name: string,
    mibps: number,
  ): Promise<Reply<UpdateStreamWarmThroughputOutput>>;
  describeLimits(): Promise<Reply<DescribeLimitsOutput>>;
  describeAccountSettings(): Promise<Reply<AccountSettingsOutput>>;
  updateAccountSettings(status: "ENABLED" | "DISABLED"): Promise<Reply<AccountSettingsOutput>>;
  splitShard(
    scope: Scope,
    name: string,
    shardToSplit: string,
    newStartingHashKey: string,
  ): Promise<Reply<void>>;
  mergeShards(
    scope: Scope,
    name: string,
    shardToMerge: string,
    adjacentShardToMerge: string,
  ): Promise<Reply<void>>;
  updateShardCount(
    scope: Scope,
    name: string,
    target: number,
  ): Promise<Reply<UpdateShardCountOutput>>;
  updateStreamMode(
    scope: Scope,
    name: string,
    mode: StreamMode,
    warmThroughputMiBps: number | undefined,
  ): Promise<Reply<void>>;
  /** On-demand scaling: a hot shard asks to be split. */
  scaleUp(
    scope: Scope,
    name: string,
    incarnation: string,
    shardId: string,
  ): Promise<Reply<{ split: boolean }>>;
  /** The stream's routing facts, for the Worker's shard-map cache. */
  route(scope: Scope, name: string): Promise<Reply<Route>>;
}
