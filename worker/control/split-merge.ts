/**
 * SplitShard and MergeShards: one reshard step each, on a provisioned
 * stream, with AWS's checks in AWS's order.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import {
  couldNotFindShard,
  shardAlreadyResharded,
  shardsNotAdjacent,
  splitKeyOutOfRange,
} from "../../src/kinesis/errors/index.js";
import { mergeStep, type PlanShard, splitStep } from "../../src/kinesis/resharding.js";
import { formatShardId, parseShardId } from "../../src/kinesis/sequence-number.js";
import { checkShardLimit } from "./quotas.js";
import { requireProvisioned, runReshard } from "./reshard.js";
import type { ControlStore } from "./store.js";
import {
  requireActive,
  requireStream,
  type ShardRow,
  type Stream,
  shardsOf,
} from "./stream-rows.js";

/** A shard as a reshard plan sees it. */
export function planShard(shard: ShardRow): PlanShard {
  return {
    shardId: shard.shard_id,
    start: BigInt(shard.starting_hash_key),
    end: BigInt(shard.ending_hash_key),
  };
}

/** An open shard of a stream, named in any form that ends in its number. */
function openShard(store: ControlStore, scope: Scope, stream: Stream, given: string): ShardRow {
  const index = parseShardId(given);
  const shard =
    index === undefined
      ? undefined
      : shardsOf(store, stream.name).find((s) => s.shard_index === index);
  if (!shard) {
    throw couldNotFindShard(
      index === undefined ? given : formatShardId(index),
      stream.name,
      scope.account,
    );
  }
  if (shard.closed_at !== null) {
    throw shardAlreadyResharded(shard.shard_id, stream.name, scope.account);
  }
  return shard;
}

/** SplitShard at `newStartingHashKey`. */
export async function splitShard(
  store: ControlStore,
  scope: Scope,
  name: string,
  shardToSplit: string,
  newStartingHashKey: string,
): Promise<void> {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  const shard = openShard(store, scope, stream, shardToSplit);
  checkShardLimit(store, scope, 1);
  const at = BigInt(newStartingHashKey);
  const start = BigInt(shard.starting_hash_key);
  const end = BigInt(shard.ending_hash_key);
  // The key must leave both halves at least two hash keys.
  if (at <= start + 1n || at >= end) {
    throw splitKeyOutOfRange(
      newStartingHashKey,
      { id: shard.shard_id, start: shard.starting_hash_key, end: shard.ending_hash_key },
      name,
      scope.account,
    );
  }
  requireActive(scope, stream, now);
  requireProvisioned("SplitShard", stream);
  await runReshard(
    store,
    scope,
    stream,
    [splitStep(planShard(shard), at, stream.next_shard_index)],
    now,
  );
}

/** MergeShards: `shardToMerge` and the shard right above it. */
export async function mergeShards(
  store: ControlStore,
  scope: Scope,
  name: string,
  shardToMerge: string,
  adjacentShardToMerge: string,
): Promise<void> {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  const lower = openShard(store, scope, stream, shardToMerge);
  const upper = openShard(store, scope, stream, adjacentShardToMerge);
  if (BigInt(lower.ending_hash_key) + 1n !== BigInt(upper.starting_hash_key)) {
    throw shardsNotAdjacent(lower.shard_id, upper.shard_id, name, scope.account);
  }
  requireActive(scope, stream, now);
  requireProvisioned("MergeShards", stream);
  await runReshard(
    store,
    scope,
    stream,
    [mergeStep(planShard(lower), planShard(upper), stream.next_shard_index)],
    now,
  );
}
