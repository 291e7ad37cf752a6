/**
 * On-demand scaling, the shard's half: it measures the writes offered to it
 * (throttled ones included) over windows of ON_DEMAND_SCALE_MS, and when a
 * window's rate reaches half of its write quota it asks the control plane to
 * split it. A stream so keeps room for twice the peak it has seen, as AWS
 * documents for on-demand streams, and throttles only when traffic more than
 * doubles faster than it splits.
 */
import { SHARD_QUOTAS } from "../../src/kinesis/throughput.js";
import { readWholeNumber } from "../../src/settings/values.js";
import { controlStub } from "../stubs.js";
import type { ShardConfig } from "./contract.js";
import { HEADER_BYTES, type PackedSegment } from "./segment.js";
import type { ShardStore } from "./store.js";

/** How long a shard measures its load before it decides, unless ON_DEMAND_SCALE_MS says. */
const DEFAULT_SCALE_WINDOW_MS = 10_000;
/** A shard that ran at this share of its write quota over a window asks to be split. */
const SCALE_UP_UTILIZATION = 0.5;

/** Writes offered since `since` (ms). */
export interface DemandWindow {
  since: number;
  bytes: number;
  records: number;
}

export function newDemandWindow(): DemandWindow {
  return { since: 0, bytes: 0, records: 0 };
}

/** Counts a batch offered to the shard; at the end of a window, asks for a split if it ran hot. */
export function observeDemand(
  store: ShardStore,
  window: DemandWindow,
  config: ShardConfig,
  segments: readonly PackedSegment[],
  now: number,
): void {
  for (const segment of segments) {
    window.records += segment.count;
    window.bytes += segment.body.byteLength - HEADER_BYTES * segment.count;
  }
  const span = readWholeNumber(store.env.ON_DEMAND_SCALE_MS ?? "", 1) ?? DEFAULT_SCALE_WINDOW_MS;
  const elapsed = now - window.since;
  if (elapsed < span) return;
  const utilization = Math.max(
    (window.bytes * 1000) / elapsed / SHARD_QUOTAS.writeBytesPerSecond,
    (window.records * 1000) / elapsed / SHARD_QUOTAS.writeRecordsPerSecond,
  );
  window.since = now;
  window.bytes = 0;
  window.records = 0;
  if (utilization < SCALE_UP_UTILIZATION) return;
  const asked = controlStub(store.env, config.account, config.region)
    .scaleUp(
      { account: config.account, region: config.region },
      config.streamName,
      config.incarnation,
      config.shardId,
    )
    .catch(() => {});
  store.waitUntil(asked);
}
