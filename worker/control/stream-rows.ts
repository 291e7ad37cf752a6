/**
 * Streams and shards as the control plane stores them, and the lookups every
 * operation starts with: a stream that exists, one that is ACTIVE, its shards.
 *
 * Stream status is derived from timestamps (CREATING until `active_at`,
 * DELETING until `deleting_until`, UPDATING until `updating_until`), so the
 * transitions need no timers.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { STREAM_MODES, type StreamMode } from "../../src/kinesis/constraints.js";
import { streamNotActive, streamNotFound } from "../../src/kinesis/errors/index.js";
import type { ShardOut, StreamStatus } from "../../src/kinesis/model.js";
import { formatSequenceNumber } from "../../src/kinesis/sequence-number.js";
import type { ShardConfig } from "../shard/contract.js";
import { oneOf } from "../storage/decode.js";
import type { ControlStore } from "./store.js";

export const HOUR_MS = 3_600_000;

interface StreamColumns {
  name: string;
  incarnation: string;
  epoch: number;
  created_at: number;
  active_at: number;
  deleting_until: number | null;
  retention_hours: number;
  max_record_kib: number;
  iterator_key: string;
  next_shard_index: number;
  /** Enabled enhanced metrics, comma-separated. */
  shard_level_metrics: string;
  warm_throughput_mibps: number | null;
  updating_until: number | null;
  /** UpdateShardCount call times (ms) of the last 24 hours, comma-separated. */
  scaling_calls: string;
  /** UpdateStreamMode call times (ms) of the last 24 hours, comma-separated. */
  mode_changes: string;
}

interface StreamRow extends StreamColumns {
  mode: string;
  [key: string]: SqlStorageValue;
}

/** A stream as the rules see it: its row, with its enum column decoded. */
export interface Stream extends StreamColumns {
  mode: StreamMode;
}

export interface ShardRow {
  shard_index: number;
  shard_id: string;
  starting_hash_key: string;
  ending_hash_key: string;
  parent_shard_id: string | null;
  adjacent_parent_shard_id: string | null;
  created_at: number;
  closed_at: number | null;
  ending_sequence_number: string | null;
  [key: string]: SqlStorageValue;
}

const streamMode = oneOf(STREAM_MODES);

function decodeStream(row: StreamRow): Stream {
  return { ...row, mode: streamMode(row.mode, "streams.mode") };
}

/** Forgets streams whose DELETING time is over. */
export function purgeDeleted(store: ControlStore, now: number): void {
  const { sql } = store;
  const gone = sql
    .exec<{ name: string }>(
      "SELECT name FROM streams WHERE deleting_until IS NOT NULL AND deleting_until <= ?",
      now,
    )
    .toArray();
  for (const { name } of gone) {
    sql.exec("DELETE FROM tags WHERE stream = ?", name);
    sql.exec("DELETE FROM shards WHERE stream = ?", name);
    sql.exec("DELETE FROM streams WHERE name = ?", name);
  }
}

/** Streams in name order after `after`, at most `limit`. */
export function streamsAfter(store: ControlStore, after: string, limit: number): Stream[] {
  return store.sql
    .exec<StreamRow>("SELECT * FROM streams WHERE name > ? ORDER BY name LIMIT ?", after, limit)
    .toArray()
    .map(decodeStream);
}

/** The stream of this name, if it exists (DELETING included). */
export function findStream(store: ControlStore, name: string, now: number): Stream | undefined {
  purgeDeleted(store, now);
  const row = store.sql.exec<StreamRow>("SELECT * FROM streams WHERE name = ?", name).toArray()[0];
  return row && decodeStream(row);
}

/** The stream of this name, or ResourceNotFoundException. */
export function requireStream(
  store: ControlStore,
  scope: Scope,
  name: string,
  now: number,
): Stream {
  const stream = findStream(store, name, now);
  if (!stream) throw streamNotFound(name, scope.account);
  return stream;
}

export function statusOf(stream: Stream, now: number): StreamStatus {
  if (stream.deleting_until !== null) return "DELETING";
  if (now < stream.active_at) return "CREATING";
  return stream.updating_until !== null && now < stream.updating_until ? "UPDATING" : "ACTIVE";
}

/** ResourceInUseException unless the stream is ACTIVE. */
export function requireActive(scope: Scope, stream: Stream, now: number): void {
  const status = statusOf(stream, now);
  if (status !== "ACTIVE") throw streamNotActive(stream.name, scope.account, status);
}

/** A stream that exists and is ACTIVE, with the time it was looked up at. */
export function activeStream(
  store: ControlStore,
  scope: Scope,
  name: string,
): { stream: Stream; now: number } {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  requireActive(scope, stream, now);
  return { stream, now };
}

/** A stream's shards, in index order. */
export function shardsOf(store: ControlStore, name: string): ShardRow[] {
  return store.sql
    .exec<ShardRow>("SELECT * FROM shards WHERE stream = ? ORDER BY shard_index", name)
    .toArray();
}

export function openShardsOf(store: ControlStore, name: string): ShardRow[] {
  return shardsOf(store, name).filter((s) => s.closed_at === null);
}

/**
 * The shards DescribeStream and ListShards show: open ones, and closed ones
 * until the retention period has passed since they closed (by then all of
 * their records have expired, and AWS lists them no more).
 */
export function listedShards(store: ControlStore, stream: Stream, now: number): ShardRow[] {
  const horizon = now - stream.retention_hours * HOUR_MS;
  return shardsOf(store, stream.name).filter((s) => s.closed_at === null || s.closed_at > horizon);
}

export function openShardCount(store: ControlStore, name: string): number {
  return store.sql
    .exec<{ n: number }>(
      "SELECT COUNT(*) AS n FROM shards WHERE stream = ? AND closed_at IS NULL",
      name,
    )
    .one().n;
}

/** A shard as DescribeStream and ListShards answer it. */
export function shardOut(stream: Stream, shard: ShardRow): ShardOut {
  const out: ShardOut = {
    ShardId: shard.shard_id,
    HashKeyRange: {
      StartingHashKey: shard.starting_hash_key,
      EndingHashKey: shard.ending_hash_key,
    },
    SequenceNumberRange: {
      StartingSequenceNumber: formatSequenceNumber({
        epoch: stream.epoch,
        shardIndex: shard.shard_index,
        position: 0n,
      }),
    },
  };
  if (shard.parent_shard_id) out.ParentShardId = shard.parent_shard_id;
  if (shard.adjacent_parent_shard_id) out.AdjacentParentShardId = shard.adjacent_parent_shard_id;
  if (shard.ending_sequence_number)
    out.SequenceNumberRange.EndingSequenceNumber = shard.ending_sequence_number;
  return out;
}

/** A new shard of a stream, as the control plane tells it about itself. */
export function shardConfig(
  scope: Scope,
  stream: Pick<
    Stream,
    "name" | "incarnation" | "epoch" | "retention_hours" | "iterator_key" | "mode"
  >,
  shard: {
    shardId: string;
    shardIndex: number;
    start: string;
    end: string;
    parentShardId?: string;
    adjacentParentShardId?: string;
  },
  createdAt: number,
): ShardConfig {
  return {
    account: scope.account,
    region: scope.region,
    streamName: stream.name,
    incarnation: stream.incarnation,
    epoch: stream.epoch,
    shardId: shard.shardId,
    shardIndex: shard.shardIndex,
    startingHashKey: shard.start,
    endingHashKey: shard.end,
    ...(shard.parentShardId ? { parentShardId: shard.parentShardId } : {}),
    ...(shard.adjacentParentShardId ? { adjacentParentShardId: shard.adjacentParentShardId } : {}),
    retentionHours: stream.retention_hours,
    iteratorKey: stream.iterator_key,
    createdAt,
    onDemand: stream.mode === "ON_DEMAND",
  };
}
