/**
 * Errors of SubscribeToShard: a consumer that cannot subscribe yet, and a
 * subscription that another one for the same consumer and shard holds or
 * takes over.
 *
 * AWS's reference says only which exception each case raises, not its text.
 * The takeover message follows what the AWS SDK for Java's users report in
 * the KCL's issues (the consumer's account, stream, shard and name); the
 * others are ours, in AWS's style.
 */
import { KinesisError } from "./kinesis-error.js";

/** What a consumer's subscription is named by in the messages: account, stream, shard and consumer. */
export interface SubscriptionName {
  readonly account: string;
  readonly streamName: string;
  readonly shardId: string;
  readonly consumerName: string;
}

function nameOf(s: SubscriptionName): string {
  return `${s.account}:${s.streamName}:${s.shardId}:${s.consumerName}`;
}

/** A second SubscribeToShard for the same consumer and shard within 5 seconds of the first. */
export function subscriptionInUse(subscription: SubscriptionName): KinesisError {
  return new KinesisError(
    "ResourceInUseException",
    `Another active subscription exists for this consumer: ${nameOf(subscription)}`,
  );
}

/** Sent to a subscription, as its last event, when a newer one for the same consumer and shard takes over. */
export function subscriptionTakenOver(subscription: SubscriptionName): KinesisError {
  return new KinesisError(
    "ResourceInUseException",
    `Another subscription for this consumer has taken over: ${nameOf(subscription)}`,
  );
}

/** SubscribeToShard with a consumer that is CREATING or DELETING. */
export function consumerNotActive(consumerArn: string, status: string): KinesisError {
  return new KinesisError(
    "ResourceInUseException",
    `Consumer ${consumerArn} is not ACTIVE, it is ${status}.`,
  );
}

/** Sent to a subscription whose stream was deleted under it. */
export function subscribedStreamDeleted(streamName: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Stream ${streamName} under account ${account} was deleted.`,
  );
}
