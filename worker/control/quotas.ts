/**
 * The account's quotas in a region, and the per-stream ones of resharding and
 * capacity modes, as AWS documents them.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { ON_DEMAND_STREAM_LIMIT } from "../../src/kinesis/constraints.js";
import { onDemandStreamLimitExceeded, shardLimitExceeded } from "../../src/kinesis/errors/index.js";
import { type ControlStore, numberSetting } from "./store.js";

/** On-demand streams start with this many shards, as AWS's do. */
export const ON_DEMAND_SHARDS = 4;
/** UpdateShardCount's default limits (its API reference). */
export const MAX_SHARDS_PER_STREAM = 10_000;
export const MAX_SCALINGS_PER_DAY = 10;
/** UpdateStreamMode: "You can switch between capacity modes twice within 24 hours." */
export const MAX_MODE_CHANGES_PER_DAY = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Open shards the account may have in this region (SHARD_LIMIT). */
export function shardLimit(store: ControlStore): number {
  return numberSetting(store, "SHARD_LIMIT", 500);
}

/** Open shards of every stream of the account in this region. */
export function accountOpenShards(store: ControlStore): number {
  return store.sql
    .exec<{ n: number }>("SELECT COUNT(*) AS n FROM shards WHERE closed_at IS NULL")
    .one().n;
}

/** Whether opening `more` shards stays within the account's shard limit. */
export function withinShardLimit(store: ControlStore, more: number): boolean {
  return accountOpenShards(store) + more <= shardLimit(store);
}

/** LimitExceededException for a request that would open `more` shards beyond the limit. */
export function checkShardLimit(store: ControlStore, scope: Scope, more: number): void {
  const open = accountOpenShards(store);
  const limit = shardLimit(store);
  if (open + more > limit) throw shardLimitExceeded(scope, open, limit, more);
}

/** On-demand streams of the account in this region; `live` leaves out those being deleted. */
export function onDemandStreams(store: ControlStore, live: boolean): number {
  return store.sql
    .exec<{ n: number }>(
      `SELECT COUNT(*) AS n FROM streams WHERE mode = 'ON_DEMAND'${live ? " AND deleting_until IS NULL" : ""}`,
    )
    .one().n;
}

/** LimitExceededException when the account has all the on-demand streams it may. */
export function checkOnDemandStreamLimit(store: ControlStore, scope: Scope): void {
  const count = onDemandStreams(store, true);
  if (count >= ON_DEMAND_STREAM_LIMIT) {
    throw onDemandStreamLimitExceeded(scope, count, ON_DEMAND_STREAM_LIMIT);
  }
}

/** The times (ms) of a comma-separated list that fall in the 24 hours before `now`. */
export function recentTimes(list: string, now: number): number[] {
  return list
    .split(",")
    .filter((t) => t !== "")
    .map(Number)
    .filter((t) => now - t < DAY_MS);
}
