/**
 * Output shapes on the wire, named as AWS names them. Timestamps are `Date`s
 * and blobs are bytes here; each codec renders them its own way (JSON: epoch
 * seconds and base64).
 */
import type { CommitmentStatus, ShardLevelMetric, StreamMode } from "./constraints.js";

export type StreamStatus = "CREATING" | "DELETING" | "ACTIVE" | "UPDATING";

export interface StreamModeDetails {
  StreamMode: StreamMode;
}

export interface HashKeyRangeOut {
  StartingHashKey: string;
  EndingHashKey: string;
}

export interface SequenceNumberRange {
  StartingSequenceNumber: string;
  EndingSequenceNumber?: string;
}

export interface ShardOut {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: HashKeyRangeOut;
  SequenceNumberRange: SequenceNumberRange;
}

export interface EnhancedMetrics {
  ShardLevelMetrics: ShardLevelMetric[];
}

export interface StreamDescription {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails: StreamModeDetails;
  Shards: ShardOut[];
  HasMoreShards: boolean;
  RetentionPeriodHours: number;
  StreamCreationTimestamp: Date;
  EnhancedMonitoring: EnhancedMetrics[];
  EncryptionType: "NONE" | "KMS";
}

export interface StreamDescriptionSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails: StreamModeDetails;
  RetentionPeriodHours: number;
  StreamCreationTimestamp: Date;
  EnhancedMonitoring: EnhancedMetrics[];
  EncryptionType: "NONE" | "KMS";
  OpenShardCount: number;
  ConsumerCount: number;
  /** Only for on-demand streams in accounts with MinimumThroughputBillingCommitment enabled. */
  WarmThroughput?: WarmThroughputObject;
  MaxRecordSizeInKiB: number;
}

export interface StreamSummary {
  StreamName: string;
  StreamARN: string;
  StreamStatus: StreamStatus;
  StreamModeDetails: StreamModeDetails;
  StreamCreationTimestamp: Date;
}

export interface ListStreamsOutput {
  StreamNames: string[];
  HasMoreStreams: boolean;
  NextToken?: string;
  StreamSummaries: StreamSummary[];
}

export interface ListShardsOutput {
  Shards: ShardOut[];
  NextToken?: string;
}

export interface RecordOut {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: Date;
  Data: Uint8Array;
  PartitionKey: string;
}

/** A shard that continues a closed one, as GetRecords names it at the closed shard's end. */
export interface ChildShard {
  ShardId: string;
  ParentShards: string[];
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
}

export interface GetRecordsOutput {
  Records: RecordOut[];
  NextShardIterator?: string;
  MillisBehindLatest: number;
  ChildShards?: ChildShard[];
}

/**
 * One event of a SubscribeToShard stream. The model marks
 * ContinuationSequenceNumber required, but AWS leaves it out of the last
 * event of a closed shard, the one with ChildShards, and the KCL relies on
 * that to know the shard has ended.
 */
export interface SubscribeToShardEvent {
  Records: RecordOut[];
  ContinuationSequenceNumber?: string;
  MillisBehindLatest: number;
  ChildShards?: ChildShard[];
}

export interface PutRecordOutput {
  ShardId: string;
  SequenceNumber: string;
}

export interface PutRecordsResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutRecordsOutput {
  FailedRecordCount: number;
  Records: PutRecordsResultEntry[];
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface ListTagsForStreamOutput {
  Tags: Tag[];
  HasMoreTags: boolean;
}

export interface ListTagsForResourceOutput {
  Tags: Tag[];
}

export interface DescribeLimitsOutput {
  ShardLimit: number;
  OpenShardCount: number;
  OnDemandStreamCount: number;
  OnDemandStreamCountLimit: number;
}

/** EnableEnhancedMonitoring's and DisableEnhancedMonitoring's answer. */
export interface EnhancedMonitoringOutput {
  StreamName: string;
  CurrentShardLevelMetrics: ShardLevelMetric[];
  DesiredShardLevelMetrics: ShardLevelMetric[];
  StreamARN: string;
}

export interface WarmThroughputObject {
  TargetMiBps?: number;
  CurrentMiBps?: number;
}

export interface UpdateStreamWarmThroughputOutput {
  StreamARN: string;
  StreamName: string;
  WarmThroughput: WarmThroughputObject;
}

export interface MinimumThroughputBillingCommitmentOutput {
  Status: CommitmentStatus;
  StartedAt?: Date;
  EndedAt?: Date;
  EarliestAllowedEndAt?: Date;
}

/** DescribeAccountSettings's and UpdateAccountSettings's answer. */
export interface AccountSettingsOutput {
  MinimumThroughputBillingCommitment: MinimumThroughputBillingCommitmentOutput;
}
