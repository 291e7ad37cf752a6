/**
 * Output shapes on the wire, named as AWS names them. Timestamps are `Date`s
 * and blobs are bytes here; each codec renders them its own way (JSON: epoch
 * seconds and base64).
 */
import type { StreamMode } from "./constraints.js";

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
  ShardLevelMetrics: string[];
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

export interface GetRecordsOutput {
  Records: RecordOut[];
  NextShardIterator?: string;
  MillisBehindLatest: number;
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
