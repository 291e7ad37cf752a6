/**
 * A stream's capacity: UpdateShardCount (UNIFORM_SCALING), UpdateStreamMode,
 * and on-demand scaling, the control plane's half of it (the shard's half is
 * shard/demand.ts).
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { streamArn } from "../../src/kinesis/arn.js";
import type { StreamMode } from "../../src/kinesis/constraints.js";
import {
  modeChangesPerDayExceeded,
  scalingsPerDayExceeded,
  shardCountOutOfBounds,
} from "../../src/kinesis/errors/index.js";
import { splitStep, uniformScalingSteps } from "../../src/kinesis/resharding.js";
import { unwrap } from "../reply.js";
import { shardStub } from "../stubs.js";
import type { UpdateShardCountOutput } from "./contract.js";
import {
  checkOnDemandStreamLimit,
  checkShardLimit,
  MAX_MODE_CHANGES_PER_DAY,
  MAX_SCALINGS_PER_DAY,
  MAX_SHARDS_PER_STREAM,
  ON_DEMAND_SHARDS,
  recentTimes,
  withinShardLimit,
} from "./quotas.js";
import { requireProvisioned, runReshard } from "./reshard.js";
import { planShard } from "./split-merge.js";
import { type ControlStore, numberSetting } from "./store.js";
import {
  activeStream,
  findStream,
  openShardsOf,
  requireActive,
  requireStream,
} from "./stream-rows.js";
import { checkWarmThroughput } from "./stream-settings.js";

/** UpdateShardCount with UNIFORM_SCALING, within AWS's default limits. */
export async function updateShardCount(
  store: ControlStore,
  scope: Scope,
  name: string,
  target: number,
): Promise<UpdateShardCountOutput> {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  requireActive(scope, stream, now);
  requireProvisioned("UpdateShardCount", stream);
  const open = openShardsOf(store, name);
  const current = open.length;
  if (target > MAX_SHARDS_PER_STREAM) {
    throw shardCountOutOfBounds({ max: MAX_SHARDS_PER_STREAM }, current, target);
  }
  if (target > current * 2) throw shardCountOutOfBounds("double", current, target);
  if (target < current / 2) throw shardCountOutOfBounds("half", current, target);
  checkShardLimit(store, scope, target - current);
  const calls = recentTimes(stream.scaling_calls, now);
  if (calls.length >= MAX_SCALINGS_PER_DAY) {
    throw scalingsPerDayExceeded(name, scope.account, MAX_SCALINGS_PER_DAY);
  }
  const steps = uniformScalingSteps(open.map(planShard), target, stream.next_shard_index);
  store.sql.exec(
    "UPDATE streams SET scaling_calls = ? WHERE name = ?",
    [...calls, now].join(","),
    name,
  );
  await runReshard(store, scope, stream, steps, now);
  return {
    StreamName: name,
    StreamARN: streamArn(scope, name),
    CurrentShardCount: current,
    TargetShardCount: target,
  };
}

/**
 * UpdateStreamMode. A stream that becomes ON_DEMAND gets at least the four
 * shards (4 MiB/s of writes) an on-demand stream starts with, and its shards
 * start scaling themselves; one that becomes PROVISIONED keeps its shards.
 * AWS allows two switches in a rolling 24 hours.
 */
export async function updateStreamMode(
  store: ControlStore,
  scope: Scope,
  name: string,
  mode: StreamMode,
  warmThroughputMiBps: number | undefined,
): Promise<void> {
  const { stream, now } = activeStream(store, scope, name);
  if (warmThroughputMiBps !== undefined) {
    checkWarmThroughput(store, scope, name, mode, warmThroughputMiBps);
  }
  const { sql } = store;
  if (stream.mode === mode) {
    if (warmThroughputMiBps !== undefined) {
      sql.exec(
        "UPDATE streams SET warm_throughput_mibps = ? WHERE name = ?",
        warmThroughputMiBps,
        name,
      );
    }
    return;
  }
  const changes = recentTimes(stream.mode_changes, now);
  if (changes.length >= MAX_MODE_CHANGES_PER_DAY) {
    throw modeChangesPerDayExceeded(name, scope.account, changes.length, MAX_MODE_CHANGES_PER_DAY);
  }
  const open = openShardsOf(store, name);
  const growTo = mode === "ON_DEMAND" ? Math.max(ON_DEMAND_SHARDS, open.length) : open.length;
  if (mode === "ON_DEMAND") {
    checkOnDemandStreamLimit(store, scope);
    checkShardLimit(store, scope, growTo - open.length);
  }
  sql.exec(
    "UPDATE streams SET mode = ?, mode_changes = ?, updating_until = ?, warm_throughput_mibps = ? WHERE name = ?",
    mode,
    [...changes, now].join(","),
    now + numberSetting(store, "UPDATE_STREAM_MS", 500),
    mode === "ON_DEMAND" ? (warmThroughputMiBps ?? stream.warm_throughput_mibps) : null,
    name,
  );
  await Promise.all(
    open.map(async (shard) =>
      unwrap(
        await shardStub(store.env, stream.incarnation, shard.shard_id).setOnDemand(
          mode === "ON_DEMAND",
        ),
      ),
    ),
  );
  // Up to the starting capacity, doubling at most per plan as UpdateShardCount does.
  for (let count = open.length; count < growTo; ) {
    const fresh = findStream(store, name, now);
    if (!fresh) break;
    const target = Math.min(growTo, count * 2);
    await runReshard(
      store,
      scope,
      fresh,
      uniformScalingSteps(openShardsOf(store, name).map(planShard), target, fresh.next_shard_index),
      now,
    );
    count = target;
  }
}

/**
 * On-demand scaling, the control plane's half: a hot shard of an ON_DEMAND
 * stream asks to be split in two at the middle of its range. The stream
 * stays ACTIVE (its owner did not ask for this), and the account's shard
 * limit still applies. A request from a shard of an older incarnation, from
 * a closed shard or for a stream no longer on demand is ignored.
 */
export async function scaleUp(
  store: ControlStore,
  scope: Scope,
  name: string,
  incarnation: string,
  shardId: string,
): Promise<{ split: boolean }> {
  const now = store.clock();
  const stream = findStream(store, name, now);
  if (
    !stream ||
    stream.incarnation !== incarnation ||
    stream.mode !== "ON_DEMAND" ||
    now < stream.active_at ||
    stream.deleting_until !== null
  ) {
    return { split: false };
  }
  const shard = openShardsOf(store, name).find((s) => s.shard_id === shardId);
  if (!shard || !withinShardLimit(store, 1)) return { split: false };
  const start = BigInt(shard.starting_hash_key);
  const end = BigInt(shard.ending_hash_key);
  if (end - start < 2n) return { split: false };
  const at = start + (end - start + 1n) / 2n;
  await runReshard(
    store,
    scope,
    stream,
    [splitStep(planShard(shard), at, stream.next_shard_index)],
    now,
    {
      updating: false,
    },
  );
  return { split: true };
}
