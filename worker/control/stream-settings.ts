/**
 * A stream's settings: retention (Increase- and
 * DecreaseStreamRetentionPeriod), the maximum record size, enhanced
 * monitoring, and warm throughput.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { streamArn } from "../../src/kinesis/arn.js";
import {
  MAX_RETENTION_HOURS,
  MAX_WARM_THROUGHPUT_MIBPS,
  MIN_RETENTION_HOURS,
  SHARD_LEVEL_METRICS,
  type ShardLevelMetric,
  type StreamMode,
} from "../../src/kinesis/constraints.js";
import {
  retentionNotDecreased,
  retentionNotIncreased,
  retentionTooLong,
  retentionTooShort,
  warmThroughputAboveLimit,
  warmThroughputNeedsCommitment,
  warmThroughputNotOnDemand,
} from "../../src/kinesis/errors/index.js";
import type {
  EnhancedMonitoringOutput,
  UpdateStreamWarmThroughputOutput,
  WarmThroughputObject,
} from "../../src/kinesis/model.js";
import { unwrap } from "../reply.js";
import { shardStub } from "../stubs.js";
import { commitmentActive } from "./account.js";
import type { ControlStore } from "./store.js";
import { activeStream, openShardCount, type Stream, shardsOf } from "./stream-rows.js";

/**
 * IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod. Every
 * shard hears the new retention, so reads and trimming follow it at once.
 */
export async function changeRetention(
  store: ControlStore,
  scope: Scope,
  name: string,
  hours: number,
  change: "increase" | "decrease",
): Promise<void> {
  // AWS checks the bounds before it looks for the stream.
  if (hours < MIN_RETENTION_HOURS) throw retentionTooShort(hours, MIN_RETENTION_HOURS);
  if (hours > MAX_RETENTION_HOURS) throw retentionTooLong(hours, MAX_RETENTION_HOURS);
  const { stream } = activeStream(store, scope, name);
  const current = stream.retention_hours;
  if (change === "increase" && hours < current) throw retentionNotIncreased(hours, name, current);
  if (change === "decrease" && hours > current) throw retentionNotDecreased(hours, name, current);
  store.sql.exec("UPDATE streams SET retention_hours = ? WHERE name = ?", hours, name);
  // Closed shards too: they stay readable until their records expire. An
  // equal value is sent as well, which repairs a shard an earlier call missed.
  await Promise.all(
    shardsOf(store, name).map(async (shard) =>
      unwrap(await shardStub(store.env, stream.incarnation, shard.shard_id).setRetention(hours)),
    ),
  );
}

/** UpdateMaxRecordSize. The Worker's cached routes carry the old size until they are reloaded. */
export function updateMaxRecordSize(
  store: ControlStore,
  scope: Scope,
  name: string,
  kib: number,
): void {
  activeStream(store, scope, name);
  store.sql.exec("UPDATE streams SET max_record_kib = ? WHERE name = ?", kib, name);
}

/** A stream's enabled enhanced metrics, in the model's order. */
export function metricsOf(stream: Stream): ShardLevelMetric[] {
  const enabled = new Set(stream.shard_level_metrics.split(","));
  return SHARD_LEVEL_METRICS.filter((m) => enabled.has(m));
}

/** EnableEnhancedMonitoring and DisableEnhancedMonitoring; "ALL" names every metric. */
export function changeMonitoring(
  store: ControlStore,
  scope: Scope,
  name: string,
  metrics: readonly (ShardLevelMetric | "ALL")[],
  change: "enable" | "disable",
): EnhancedMonitoringOutput {
  const { stream } = activeStream(store, scope, name);
  const named = new Set<string>(metrics.includes("ALL") ? SHARD_LEVEL_METRICS : metrics);
  const current = metricsOf(stream);
  const desired = SHARD_LEVEL_METRICS.filter((m) =>
    change === "enable"
      ? current.includes(m) || named.has(m)
      : current.includes(m) && !named.has(m),
  );
  store.sql.exec(
    "UPDATE streams SET shard_level_metrics = ? WHERE name = ?",
    desired.join(","),
    name,
  );
  return {
    StreamName: name,
    CurrentShardLevelMetrics: current,
    DesiredShardLevelMetrics: desired,
    StreamARN: streamArn(scope, name),
  };
}

/**
 * Refuses a warm throughput the stream may not have: only on-demand streams
 * of accounts with the commitment enabled have it, up to AWS's maximum.
 */
export function checkWarmThroughput(
  store: ControlStore,
  scope: Scope,
  name: string,
  mode: StreamMode,
  mibps: number,
): void {
  if (mode !== "ON_DEMAND") throw warmThroughputNotOnDemand(name, scope.account, mode);
  if (!commitmentActive(store, store.clock())) {
    throw warmThroughputNeedsCommitment(scope.account, scope.region);
  }
  if (mibps > MAX_WARM_THROUGHPUT_MIBPS) {
    throw warmThroughputAboveLimit(mibps, name, scope.account, MAX_WARM_THROUGHPUT_MIBPS);
  }
}

/**
 * A stream's warm throughput. Without a target it runs at what its open
 * shards take, 1 MiB/s each; a target below that does not slow it down.
 */
export function warmThroughput(target: number | null, openShards: number): WarmThroughputObject {
  const out: WarmThroughputObject = { CurrentMiBps: Math.max(target ?? 0, openShards) };
  if (target !== null) out.TargetMiBps = target;
  return out;
}

/**
 * UpdateStreamWarmThroughput. Nothing here needs warming, so the stream
 * reaches its target at once; the answer shows what it ran at before, as
 * AWS's does while it scales.
 */
export function updateWarmThroughput(
  store: ControlStore,
  scope: Scope,
  name: string,
  mibps: number,
): UpdateStreamWarmThroughputOutput {
  const { stream } = activeStream(store, scope, name);
  checkWarmThroughput(store, scope, name, stream.mode, mibps);
  const before = warmThroughput(stream.warm_throughput_mibps, openShardCount(store, name));
  store.sql.exec("UPDATE streams SET warm_throughput_mibps = ? WHERE name = ?", mibps, name);
  return {
    StreamARN: streamArn(scope, name),
    StreamName: name,
    WarmThroughput: { TargetMiBps: mibps, CurrentMiBps: before.CurrentMiBps ?? 0 },
  };
}
