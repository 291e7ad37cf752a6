/**
 * The shard's throughput limits (src/kinesis/throughput.ts): what it admits
 * of writes, GetShardIterator calls and reads, and what it refuses with
 * AWS's ProvisionedThroughputExceededException. They are on unless
 * KINESIS_LIMITS is a switch's off word (off, false, 0, no); the setting is
 * read at each call, so the test seam can switch them.
 */
import { readRateExceeded, shardRateExceeded } from "../../src/kinesis/errors/index.js";
import { MiB, ShardThrottle, TokenBucket } from "../../src/kinesis/throughput.js";
import { readSwitch } from "../../src/settings/values.js";
import { type PackedSegment, recordSizes } from "./segment.js";
import type { ShardState } from "./state.js";
import type { ShardStore } from "./store.js";

export function limitsOn(store: ShardStore): boolean {
  return readSwitch(store.env.KINESIS_LIMITS ?? "") !== false;
}

/** The shard's token buckets; they start full when they are first asked. */
function bucketsOf(store: ShardStore, state: ShardState): ShardThrottle {
  state.buckets ??= new ShardThrottle(store.clock());
  return state.buckets;
}

/**
 * How many records of a batch the write limits refuse now: the batch's last
 * ones (a shard appends a prefix of a batch), or none when limits are off.
 */
export function refusedWrites(
  store: ShardStore,
  state: ShardState,
  segments: readonly PackedSegment[],
  now: number,
): number {
  if (!limitsOn(store)) return 0;
  const sizes = recordSizes(segments);
  return sizes.length - bucketsOf(store, state).admitWrites(sizes, now);
}

/** Admits a GetShardIterator call, or throws AWS's rate error. */
export function admitIterator(store: ShardStore, state: ShardState): void {
  if (limitsOn(store) && !bucketsOf(store, state).admitIterator(store.clock())) {
    const { config } = state;
    throw shardRateExceeded(config.shardId, config.streamName, config.account);
  }
}

/** Admits a GetRecords call, or throws AWS's rate error (worded unlike the others). */
export function admitRead(store: ShardStore, state: ShardState, now: number): void {
  if (limitsOn(store) && !bucketsOf(store, state).admitRead(now)) {
    const { config } = state;
    throw readRateExceeded(config.shardId, config.streamName, config.account);
  }
}

/** Charges an admitted read for the bytes it returned. */
export function chargeRead(store: ShardStore, state: ShardState, bytes: number, now: number): void {
  if (limitsOn(store)) bucketsOf(store, state).chargeRead(bytes, now);
}

/**
 * Enhanced fan-out's limit: each consumer gets its own 2 MiB/s from each
 * shard, apart from the shard's GetRecords limits and from every other
 * consumer. A bucket per subscription, with a second's burst; none when
 * limits are off.
 */
export function subscriberBucket(store: ShardStore, now: number): TokenBucket | undefined {
  return limitsOn(store) ? new TokenBucket(2 * MiB, 2 * MiB, now) : undefined;
}
