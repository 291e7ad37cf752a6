/**
 * LimitExceededException and ProvisionedThroughputExceededException: an
 * account's quotas and a shard's throughput.
 *
 * Unless a comment says otherwise the wording is AWS's, as its Kinesis
 * endpoints answer (recorded in kinesalite's test suite, which runs against
 * AWS, or quoted in public issue trackers).
 */
import { KinesisError } from "./kinesis-error.js";

function exceeded(message: string): KinesisError {
  return new KinesisError("LimitExceededException", message);
}

/** A request that would open `more` shards beyond the account's limit in a region. */
export function shardLimitExceeded(
  scope: { account: string; region: string },
  open: number,
  limit: number,
  more: number,
): KinesisError {
  return exceeded(
    `This request would exceed the shard limit for the account ${scope.account} in ${scope.region}. Current shard count for the account: ${open}. Limit: ${limit}. Number of additional shards that would have resulted from this request: ${more}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
  );
}

/** Ours, shaped like the shard limit's: no AWS answer is recorded. */
export function onDemandStreamLimitExceeded(
  scope: { account: string; region: string },
  count: number,
  limit: number,
): KinesisError {
  return exceeded(
    `This request would exceed the on-demand stream limit for the account ${scope.account} in ${scope.region}. Current on-demand stream count for the account: ${count}. Limit: ${limit}.`,
  );
}

/** UpdateShardCount's three bounds on the target, each followed by the counts. */
export function shardCountOutOfBounds(
  bound: { max: number } | "double" | "half",
  current: number,
  target: number,
): KinesisError {
  const counts = `Current open shard count: ${current}, Target shard count: ${target}`;
  if (bound === "double") {
    return exceeded(
      `UpdateShardCount cannot scale up over double your current open shard count. ${counts}`,
    );
  }
  if (bound === "half") {
    return exceeded(
      `UpdateShardCount cannot scale down below half your current open shard count. ${counts}`,
    );
  }
  return exceeded(
    `Target shard count or number of open shards cannot be greater than ${bound.max}. ${counts}`,
  );
}

/** Ours: no AWS answer is recorded. */
export function scalingsPerDayExceeded(stream: string, account: string, max: number): KinesisError {
  return exceeded(
    `UpdateShardCount for stream ${stream} under account ${account} exceeds the limit of ${max} scaling operations in a rolling 24-hour period.`,
  );
}

/** Ours: no AWS answer is recorded. */
export function modeChangesPerDayExceeded(
  stream: string,
  account: string,
  count: number,
  max: number,
): KinesisError {
  return exceeded(
    `Stream ${stream} under account ${account} has had its capacity mode updated ${count} times in the last 24 hours; the limit is ${max}.`,
  );
}

/** Ours: no AWS answer is recorded. */
export function warmThroughputAboveLimit(
  mibps: number,
  stream: string,
  account: string,
  max: number,
): KinesisError {
  return exceeded(
    `Requested warm throughput of ${mibps} MiBps for stream ${stream} under account ${account} exceeds the limit of ${max} MiBps.`,
  );
}

/** A shard over its write or GetShardIterator limit (and each refused PutRecords entry). */
export function shardRateExceeded(shardId: string, stream: string, account: string): KinesisError {
  return new KinesisError(
    "ProvisionedThroughputExceededException",
    `Rate exceeded for shard ${shardId} in stream ${stream} under account ${account}.`,
  );
}

/** GetRecords over a shard's read limit: AWS words it differently from the other operations. */
export function readRateExceeded(shardId: string, stream: string, account: string): KinesisError {
  return new KinesisError(
    "ProvisionedThroughputExceededException",
    `Rate exceeded for Shard - ${account}/${stream}/${shardId}`,
  );
}
