/**
 * The operations this service implements, by name. The compiler checks every
 * key is an operation of the model; an operation not yet here is answered
 * UnknownOperationException.
 */
import type { Operation } from "../../src/kinesis/operations.js";
import type { StructureShape } from "../../src/kinesis/shape.js";
import type { Action } from "./action.js";
import addTagsToStream from "./add-tags-to-stream.js";
import createStream from "./create-stream.js";
import decreaseStreamRetentionPeriod from "./decrease-stream-retention-period.js";
import deleteStream from "./delete-stream.js";
import describeAccountSettings from "./describe-account-settings.js";
import describeLimits from "./describe-limits.js";
import describeStream from "./describe-stream.js";
import describeStreamSummary from "./describe-stream-summary.js";
import disableEnhancedMonitoring from "./disable-enhanced-monitoring.js";
import enableEnhancedMonitoring from "./enable-enhanced-monitoring.js";
import getRecords from "./get-records.js";
import getShardIterator from "./get-shard-iterator.js";
import increaseStreamRetentionPeriod from "./increase-stream-retention-period.js";
import listShards from "./list-shards.js";
import listStreams from "./list-streams.js";
import listTagsForResource from "./list-tags-for-resource.js";
import listTagsForStream from "./list-tags-for-stream.js";
import mergeShards from "./merge-shards.js";
import putRecord from "./put-record.js";
import putRecords from "./put-records.js";
import removeTagsFromStream from "./remove-tags-from-stream.js";
import splitShard from "./split-shard.js";
import tagResource from "./tag-resource.js";
import untagResource from "./untag-resource.js";
import updateAccountSettings from "./update-account-settings.js";
import updateMaxRecordSize from "./update-max-record-size.js";
import updateShardCount from "./update-shard-count.js";
import updateStreamMode from "./update-stream-mode.js";
import updateStreamWarmThroughput from "./update-stream-warm-throughput.js";

// Each action keeps its precise input type; the registry only needs to call it.
type AnyAction = Action<StructureShape, object>;

export const actions: Partial<Record<Operation, AnyAction>> = {
  AddTagsToStream: addTagsToStream,
  CreateStream: createStream,
  DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
  DeleteStream: deleteStream,
  DescribeAccountSettings: describeAccountSettings,
  DescribeLimits: describeLimits,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
  ListShards: listShards,
  ListStreams: listStreams,
  ListTagsForResource: listTagsForResource,
  ListTagsForStream: listTagsForStream,
  MergeShards: mergeShards,
  PutRecord: putRecord,
  PutRecords: putRecords,
  RemoveTagsFromStream: removeTagsFromStream,
  SplitShard: splitShard,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAccountSettings: updateAccountSettings,
  UpdateMaxRecordSize: updateMaxRecordSize,
  UpdateShardCount: updateShardCount,
  UpdateStreamMode: updateStreamMode,
  UpdateStreamWarmThroughput: updateStreamWarmThroughput,
} satisfies Partial<Record<Operation, AnyAction>>;
