/**
 * InvalidArgumentException, ValidationException and the token errors: a
 * request that is well formed but asks for something its values rule out.
 *
 * Unless a comment says otherwise the wording is AWS's, as its Kinesis
 * endpoints answer (recorded in kinesalite's test suite, which runs against
 * AWS, or quoted in public issue trackers).
 */
import { KinesisError } from "./kinesis-error.js";

function invalid(message: string): KinesisError {
  return new KinesisError("InvalidArgumentException", message);
}

/**
 * `N validation error(s) detected: …`, the front end's summary of broken
 * constraints, each worded like `Value '…' at '…' failed to satisfy constraint: …`.
 */
export function validationFailed(constraints: readonly string[]): KinesisError {
  const count = constraints.length;
  return new KinesisError(
    "ValidationException",
    `${count} validation error${count > 1 ? "s" : ""} detected: ${constraints.join("; ")}`,
  );
}

/** The constraint a record's data breaks when it is over the stream's maximum record size. */
export function recordTooLargeConstraint(bytes: number, path: string, max: number): string {
  return `Value 'java.nio.HeapByteBuffer[pos=0 lim=${bytes} cap=${bytes}]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
}

// Naming the stream.

export function invalidStreamArn(arn: string): KinesisError {
  return invalid(`Invalid StreamARN ${arn}.`);
}

/** Ours: StreamName and StreamARN given together must agree. */
export function streamNameArnMismatch(name: string, arn: string): KinesisError {
  return invalid(`StreamName ${name} and StreamARN ${arn} name different streams.`);
}

export function streamNameOrArnRequired(): KinesisError {
  return invalid("Either StreamName or StreamARN must be provided.");
}

/** UpdateMaxRecordSize, whose input has StreamARN alone, and optional in the model. */
export function streamArnRequired(): KinesisError {
  return invalid("StreamARN must be provided.");
}

export function invalidResourceArn(arn: string): KinesisError {
  return invalid(`Invalid ResourceARN ${arn}.`);
}

// Paging.

export function invalidNextToken(): KinesisError {
  return invalid("Invalid NextToken.");
}

export function expiredNextToken(): KinesisError {
  return new KinesisError("ExpiredNextTokenException", "The NextToken has expired.");
}

export function nextTokenWithStreamName(): KinesisError {
  return invalid("NextToken and StreamName cannot be provided together.");
}

export function nextTokenWithExclusiveStartShardId(): KinesisError {
  return invalid("NextToken and ExclusiveStartShardId cannot be provided together.");
}

export function nextTokenOrStreamNameRequired(): KinesisError {
  return invalid("Either NextToken or StreamName should be provided.");
}

/** ListShards' ShardFilter: AFTER_SHARD_ID takes a ShardId, and no other type does. */
export function shardFilterShardId(type: string): KinesisError {
  return invalid(
    type === "AFTER_SHARD_ID"
      ? "ShardId must be provided with ShardFilter type AFTER_SHARD_ID."
      : `ShardId must not be provided with ShardFilter type ${type}.`,
  );
}

/** ListShards' ShardFilter: the timestamp types take a Timestamp, and no other type does. */
export function shardFilterTimestamp(type: string, needed: boolean): KinesisError {
  return invalid(
    needed
      ? `Timestamp must be provided with ShardFilter type ${type}.`
      : `Timestamp must not be provided with ShardFilter type ${type}.`,
  );
}

// Creating and changing streams.

export function shardCountRequired(): KinesisError {
  return invalid("ShardCount is required for a stream in PROVISIONED mode.");
}

export function retentionTooShort(hours: number, min: number): KinesisError {
  return invalid(
    `Minimum allowed retention period is ${min} hours. Requested retention period (${hours} hours) is too short.`,
  );
}

export function retentionTooLong(hours: number, max: number): KinesisError {
  return invalid(
    `Maximum allowed retention period is ${max} hours. Requested retention period (${hours} hours) is too long.`,
  );
}

/** IncreaseStreamRetentionPeriod to less than the stream has. */
export function retentionNotIncreased(
  hours: number,
  stream: string,
  current: number,
): KinesisError {
  return invalid(
    `Requested retention period (${hours} hours) for stream ${stream} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
  );
}

/** DecreaseStreamRetentionPeriod to more than the stream has. */
export function retentionNotDecreased(
  hours: number,
  stream: string,
  current: number,
): KinesisError {
  return invalid(
    `Requested retention period (${hours} hours) for stream ${stream} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
  );
}

export function invalidTagCharacters(): KinesisError {
  return invalid(
    "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.",
  );
}

/** The wording AWS's tagging services use for the reserved prefix. */
export function reservedTagPrefix(): KinesisError {
  return invalid("Tag keys beginning with aws: are reserved for system use.");
}

export function tooManyTags(stream: string, account: string, max: number): KinesisError {
  return invalid(
    `Failed to add tags to stream ${stream} under account ${account} because a given stream cannot have more than ${max} tags associated with it.`,
  );
}

/** Ours: AWS's wording is not recorded anywhere we know of. */
export function warmThroughputNotOnDemand(
  stream: string,
  account: string,
  mode: string,
): KinesisError {
  return new KinesisError(
    "ValidationException",
    `Warm throughput is only supported for streams in ON_DEMAND mode. Stream ${stream} under account ${account} is in ${mode} mode.`,
  );
}

/** Ours: AWS's wording is not recorded anywhere we know of. */
export function warmThroughputNeedsCommitment(account: string, region: string): KinesisError {
  return invalid(
    `Warm throughput requires MinimumThroughputBillingCommitment to be enabled for account ${account} in ${region}.`,
  );
}

// Resharding.

/** The key must leave both halves at least two hash keys. */
export function splitKeyOutOfRange(
  key: string,
  shard: { id: string; start: string; end: string },
  stream: string,
  account: string,
): KinesisError {
  return invalid(
    `NewStartingHashKey ${key} used in SplitShard() on shard ${shard.id} in stream ${stream} under account ${account} is not both greater than one plus the shard's StartingHashKey ${shard.start} and less than the shard's EndingHashKey ${shard.end}.`,
  );
}

/** MergeShards takes the pair in this order only. */
export function shardsNotAdjacent(
  lower: string,
  upper: string,
  stream: string,
  account: string,
): KinesisError {
  return invalid(
    `Shards ${lower} and ${upper} in stream ${stream} under account ${account} are not an adjacent pair of shards eligible for merging`,
  );
}

export function shardAlreadyResharded(
  shardId: string,
  stream: string,
  account: string,
): KinesisError {
  return invalid(
    `Shard ${shardId} in stream ${stream} under account ${account} has already been merged or split, and thus is not eligible for merging or splitting.`,
  );
}

/** Ours: on-demand streams scale themselves. */
export function reshardingOnDemand(operation: string, stream: string): KinesisError {
  return new KinesisError(
    "ValidationException",
    `${operation} is not supported for stream ${stream} in ON_DEMAND capacity mode.`,
  );
}

// Records, sequence numbers and iterators.

export function recordsTooLarge(): KinesisError {
  return invalid("Records size exceeds 5 MB limit");
}

export function explicitHashKeyOutOfRange(value: string): KinesisError {
  return invalid(
    `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`,
  );
}

/** Where GetShardIterator's StartingSequenceNumber was used, as its errors say it. */
function usedIn(shardId: string, stream: string, account: string): string {
  return `used in GetShardIterator on shard ${shardId} in stream ${stream} under account ${account}`;
}

export function startingSequenceNumberInvalid(
  text: string,
  shardId: string,
  stream: string,
  account: string,
): KinesisError {
  return invalid(`StartingSequenceNumber ${text} ${usedIn(shardId, stream, account)} is invalid.`);
}

export function sequenceNumberOfOtherShard(encodedShardId: string, shardId: string): KinesisError {
  return invalid(
    `Invalid StartingSequenceNumber. It encodes ${encodedShardId}, while it was used in a call to a shard with ${shardId}`,
  );
}

export function sequenceNumberOfOtherStream(
  text: string,
  shardId: string,
  stream: string,
  account: string,
): KinesisError {
  return invalid(
    `StartingSequenceNumber ${text} ${usedIn(shardId, stream, account)} is invalid because it did not come from this stream.`,
  );
}

export function timestampInFuture(at: number, now: number): KinesisError {
  return invalid(
    `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${at}, currentTimestampInMillis: ${now}`,
  );
}

/** GetShardIterator: a sequence number goes with the sequence types, and only with them. */
export function sequenceNumberMismatch(type: string, hasSequence: boolean): KinesisError {
  return invalid(
    `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and ${hasSequence ? "also a" : "no"} StartingSequenceNumber.`,
  );
}

export function timestampRequired(): KinesisError {
  return invalid(
    "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
  );
}

export function timestampNotAllowed(type: string): KinesisError {
  return invalid(
    `Must specify timestampInMillis parameter only for iterator of type AT_TIMESTAMP. Current request has timestamp parameter with iterator type ${type}.`,
  );
}

export function invalidShardIterator(): KinesisError {
  return invalid("Invalid ShardIterator.");
}

/** Java's date format is AWS's: `issued` and `now` come formatted as its endpoints print them. */
export function expiredIterator(issued: string, now: string, lifetimeMs: number): KinesisError {
  return new KinesisError(
    "ExpiredIteratorException",
    `Iterator expired. The iterator was created at time ${issued} while right now it is ${now} which is further in the future than the tolerated delay of ${lifetimeMs} milliseconds.`,
  );
}
