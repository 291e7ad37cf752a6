/**
 * Errors about what a request names: streams and shards that do not exist,
 * or are not in a state to take the request.
 *
 * The wording is AWS's own, as its Kinesis endpoints answer (recorded in
 * kinesalite's test suite, which runs against AWS).
 */
import { KinesisError } from "./kinesis-error.js";

/** `Stream <name> under account <account> not found.` */
export function streamNotFound(streamName: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Stream ${streamName} under account ${account} not found.`,
  );
}

/** A shard a read or an iterator names: `Shard <id> in stream <name> under account <account> does not exist` */
export function shardNotFound(shardId: string, streamName: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Shard ${shardId} in stream ${streamName} under account ${account} does not exist`,
  );
}

/** A shard id that cannot be read, or a shard a reshard names that the stream never had. */
export function couldNotFindShard(
  shardId: string,
  streamName: string,
  account: string,
): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Could not find shard ${shardId} in stream ${streamName} under account ${account}.`,
  );
}

/** A consumer ARN; consumers are not registered yet, so none is ever found. */
export function consumerNotFound(arn: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Consumer ${arn} under account ${account} not found.`,
  );
}

/** CreateStream of a name in use. */
export function streamExists(streamName: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceInUseException",
    `Stream ${streamName} under account ${account} already exists.`,
  );
}

/** An operation that needs an ACTIVE stream. */
export function streamNotActive(streamName: string, account: string, status: string): KinesisError {
  return new KinesisError(
    "ResourceInUseException",
    `Stream ${streamName} under account ${account} not ACTIVE, instead in state ${status}`,
  );
}
