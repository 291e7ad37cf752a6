/**
 * Streams themselves: CreateStream, DeleteStream, DescribeStream,
 * DescribeStreamSummary, and the route the Worker caches to reach a stream's
 * shards.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { streamArn } from "../../src/kinesis/arn.js";
import {
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RETENTION_HOURS,
} from "../../src/kinesis/constraints.js";
import {
  shardCountRequired,
  streamExists,
  streamNotFound,
} from "../../src/kinesis/errors/index.js";
import { evenRanges } from "../../src/kinesis/hash-key.js";
import type { StreamDescription, StreamDescriptionSummary } from "../../src/kinesis/model.js";
import { formatShardId } from "../../src/kinesis/sequence-number.js";
import { bytesToHex } from "../../src/kinesis/shard-iterator.js";
import { iteratorKeyOf } from "../iterators/keys.js";
import { unwrap } from "../reply.js";
import { shardStub } from "../stubs.js";
import { commitmentActive } from "./account.js";
import type { CreateStreamRequest, Route } from "./contract.js";
import { checkOnDemandStreamLimit, checkShardLimit, ON_DEMAND_SHARDS } from "./quotas.js";
import { type ControlStore, numberSetting } from "./store.js";
import {
  findStream,
  listedShards,
  openShardCount,
  requireStream,
  shardConfig,
  shardOut,
  shardsOf,
  statusOf,
} from "./stream-rows.js";
import { checkWarmThroughput, metricsOf, warmThroughput } from "./stream-settings.js";
import { checkTagCount, checkTags, writeTags } from "./tags.js";

/** CreateStream: checks in AWS's order, makes the shards, then makes the stream visible. */
export async function createStream(
  store: ControlStore,
  scope: Scope,
  request: CreateStreamRequest,
): Promise<void> {
  const now = store.clock();
  const { name, mode } = request;
  if (findStream(store, name, now)) throw streamExists(name, scope.account);
  if (mode === "PROVISIONED" && request.shardCount === undefined) throw shardCountRequired();
  const shardCount = mode === "ON_DEMAND" ? ON_DEMAND_SHARDS : (request.shardCount ?? 0);
  if (request.tags) {
    checkTags(request.tags);
    checkTagCount(Object.keys(request.tags).length, name, scope.account);
  }
  if (request.warmThroughputMiBps !== undefined) {
    checkWarmThroughput(store, scope, name, mode, request.warmThroughputMiBps);
  }
  if (mode === "ON_DEMAND") checkOnDemandStreamLimit(store, scope);
  checkShardLimit(store, scope, shardCount);

  // The epoch goes into every sequence number; keeping it strictly rising
  // per scope means a recreated stream never accepts its predecessor's numbers.
  const { sql, storage } = store;
  const lastEpoch = sql.exec<{ e: number | null }>("SELECT MAX(epoch) AS e FROM streams").one().e;
  const storedEpoch = (await storage.get<number>("last-epoch")) ?? 0;
  const incarnation = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
  const stream = {
    name,
    incarnation,
    epoch: Math.max(now, (lastEpoch ?? 0) + 1, storedEpoch + 1),
    retention_hours: DEFAULT_RETENTION_HOURS,
    iterator_key: await iteratorKeyOf(store.env, incarnation),
    mode,
  };
  const configs = evenRanges(shardCount).map((range, index) =>
    shardConfig(
      scope,
      stream,
      {
        shardId: formatShardId(index),
        shardIndex: index,
        start: range.start.toString(),
        end: range.end.toString(),
      },
      now,
    ),
  );

  // The shards exist before the stream is visible, so no write can reach an
  // uninitialised shard.
  const shardOf = (shardId: string) => shardStub(store.env, incarnation, shardId);
  await Promise.all(
    configs.map(async (config) => unwrap(await shardOf(config.shardId).init(config))),
  );
  if (findStream(store, name, store.clock())) {
    // Another CreateStream of this name won while the shards were being made.
    await Promise.all(configs.map(async (config) => unwrap(await shardOf(config.shardId).drop())));
    throw streamExists(name, scope.account);
  }
  storage.transactionSync(() => {
    sql.exec(
      `INSERT INTO streams (name, incarnation, epoch, created_at, active_at, deleting_until, status, mode,
         retention_hours, max_record_kib, iterator_key, next_shard_index, warm_throughput_mibps)
       VALUES (?, ?, ?, ?, ?, NULL, 'ACTIVE', ?, ?, ?, ?, ?, ?)`,
      name,
      incarnation,
      stream.epoch,
      now,
      now + numberSetting(store, "CREATE_STREAM_MS", 500),
      mode,
      stream.retention_hours,
      request.maxRecordKib ?? DEFAULT_MAX_RECORD_BYTES / 1024,
      stream.iterator_key,
      shardCount,
      request.warmThroughputMiBps ?? null,
    );
    writeTags(store, name, request.tags ?? {});
    for (const config of configs) {
      sql.exec(
        `INSERT INTO shards (stream, shard_index, shard_id, starting_hash_key, ending_hash_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        name,
        config.shardIndex,
        config.shardId,
        config.startingHashKey,
        config.endingHashKey,
        now,
      );
    }
  });
  await storage.put("last-epoch", stream.epoch);
}

/** DeleteStream: the data becomes unreachable at once, and the shards' storage is reclaimed. */
export async function deleteStream(store: ControlStore, scope: Scope, name: string): Promise<void> {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  if (stream.deleting_until !== null) return;
  const shards = shardsOf(store, name);
  store.sql.exec(
    "UPDATE streams SET deleting_until = ? WHERE name = ?",
    now + numberSetting(store, "DELETE_STREAM_MS", 500),
    name,
  );
  await Promise.all(
    shards.map(async (shard) =>
      unwrap(await shardStub(store.env, stream.incarnation, shard.shard_id).drop()),
    ),
  );
}

/** DescribeStream, with shard paging. */
export function describeStream(
  store: ControlStore,
  scope: Scope,
  name: string,
  page: { limit?: number; exclusiveStartShardId?: string },
): { StreamDescription: StreamDescription } {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  const limit = Math.min(page.limit ?? 100, 100);
  const after = page.exclusiveStartShardId;
  const shards = listedShards(store, stream, now).filter(
    (s) => after === undefined || s.shard_id > after,
  );
  return {
    StreamDescription: {
      StreamName: name,
      StreamARN: streamArn(scope, name),
      StreamStatus: statusOf(stream, now),
      StreamModeDetails: { StreamMode: stream.mode },
      Shards: shards.slice(0, limit).map((s) => shardOut(stream, s)),
      HasMoreShards: shards.length > limit,
      RetentionPeriodHours: stream.retention_hours,
      StreamCreationTimestamp: new Date(stream.created_at),
      EnhancedMonitoring: [{ ShardLevelMetrics: metricsOf(stream) }],
      EncryptionType: "NONE",
    },
  };
}

/** DescribeStreamSummary. */
export function describeStreamSummary(
  store: ControlStore,
  scope: Scope,
  name: string,
): { StreamDescriptionSummary: StreamDescriptionSummary } {
  const now = store.clock();
  const stream = requireStream(store, scope, name, now);
  const open = openShardCount(store, name);
  const summary: StreamDescriptionSummary = {
    StreamName: name,
    StreamARN: streamArn(scope, name),
    StreamStatus: statusOf(stream, now),
    StreamModeDetails: { StreamMode: stream.mode },
    RetentionPeriodHours: stream.retention_hours,
    StreamCreationTimestamp: new Date(stream.created_at),
    EnhancedMonitoring: [{ ShardLevelMetrics: metricsOf(stream) }],
    EncryptionType: "NONE",
    OpenShardCount: open,
    ConsumerCount: 0,
    MaxRecordSizeInKiB: stream.max_record_kib,
  };
  // As the model documents: only on-demand streams of accounts with the
  // commitment enabled have warm throughput.
  if (stream.mode === "ON_DEMAND" && commitmentActive(store, now)) {
    summary.WarmThroughput = warmThroughput(stream.warm_throughput_mibps, open);
  }
  return { StreamDescriptionSummary: summary };
}

/** The stream's routing facts, for the Worker's shard-map cache. */
export function route(store: ControlStore, scope: Scope, name: string): Route {
  const stream = findStream(store, name, store.clock());
  if (!stream || stream.deleting_until !== null) throw streamNotFound(name, scope.account);
  return {
    incarnation: stream.incarnation,
    epoch: stream.epoch,
    activeAt: stream.active_at,
    maxRecordBytes: stream.max_record_kib * 1024,
    shards: shardsOf(store, name).map((s) => ({
      shardId: s.shard_id,
      shardIndex: s.shard_index,
      startingHashKey: s.starting_hash_key,
      endingHashKey: s.ending_hash_key,
      open: s.closed_at === null,
    })),
  };
}
