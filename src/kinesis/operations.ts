/**
 * Every operation of the Kinesis_20131202 service, as AWS's model lists them.
 * `X-Amz-Target: Kinesis_20131202.<Operation>` names one of these; any other
 * name is an UnknownOperationException.
 */
export const OPERATIONS = [
  "AddTagsToStream",
  "CreateStream",
  "DecreaseStreamRetentionPeriod",
  "DeleteResourcePolicy",
  "DeleteStream",
  "DeregisterStreamConsumer",
  "DescribeAccountSettings",
  "DescribeLimits",
  "DescribeStream",
  "DescribeStreamConsumer",
  "DescribeStreamSummary",
  "DisableEnhancedMonitoring",
  "EnableEnhancedMonitoring",
  "GetRecords",
  "GetResourcePolicy",
  "GetShardIterator",
  "IncreaseStreamRetentionPeriod",
  "ListShards",
  "ListStreamConsumers",
  "ListStreams",
  "ListTagsForResource",
  "ListTagsForStream",
  "MergeShards",
  "PutRecord",
  "PutRecords",
  "PutResourcePolicy",
  "RegisterStreamConsumer",
  "RemoveTagsFromStream",
  "SplitShard",
  "StartStreamEncryption",
  "StopStreamEncryption",
  "SubscribeToShard",
  "TagResource",
  "UntagResource",
  "UpdateAccountSettings",
  "UpdateMaxRecordSize",
  "UpdateShardCount",
  "UpdateStreamMode",
  "UpdateStreamWarmThroughput",
] as const;

export type Operation = (typeof OPERATIONS)[number];

/** The service prefix of X-Amz-Target. */
export const SERVICE_TARGET = "Kinesis_20131202";

const known = new Map<string, Operation>(OPERATIONS.map((op) => [op, op]));

/**
 * The operation an `X-Amz-Target` header names, or undefined.
 *
 * @example
 * operationOf("Kinesis_20131202.PutRecords"); // "PutRecords"
 */
export function operationOf(target: string | null | undefined): Operation | undefined {
  if (!target) return undefined;
  const dot = target.indexOf(".");
  if (dot < 0 || target.slice(0, dot) !== SERVICE_TARGET) return undefined;
  const name = target.slice(dot + 1);
  return known.get(name);
}
