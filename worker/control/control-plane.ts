/**
 * The control plane of one account and region: streams, their shard maps and
 * lineage, their tags and settings, and the account's settings. One Durable
 * Object per scope, so one scope never sees another's streams. The data plane
 * does not pass through here on each request; the Worker caches `route()`
 * answers.
 *
 * Stream status is derived from timestamps (CREATING until `active_at`,
 * DELETING until `deleting_until`), and so is the end of a billing commitment
 * (`ended_at`), so the transitions need no timers.
 */
import { DurableObject } from "cloudflare:workers";
import { streamArn } from "../../src/kinesis/arn.js";
import {
  type CommitmentStatus,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RETENTION_HOURS,
  MAX_RETENTION_HOURS,
  MAX_TAGS_PER_STREAM,
  MAX_WARM_THROUGHPUT_MIBPS,
  MIN_COMMITMENT_MS,
  MIN_RETENTION_HOURS,
  ON_DEMAND_STREAM_LIMIT,
  SHARD_LEVEL_METRICS,
  type ShardLevelMetric,
  type StreamMode,
} from "../../src/kinesis/constraints.js";
import { evenRanges } from "../../src/kinesis/hash-key.js";
import type {
  AccountSettingsOutput,
  DescribeLimitsOutput,
  EnhancedMonitoringOutput,
  ListShardsOutput,
  ListStreamsOutput,
  ListTagsForStreamOutput,
  MinimumThroughputBillingCommitmentOutput,
  ShardOut,
  StreamDescription,
  StreamDescriptionSummary,
  StreamStatus,
  Tag,
  UpdateStreamWarmThroughputOutput,
  WarmThroughputObject,
} from "../../src/kinesis/model.js";
import {
  decodePageToken,
  encodePageToken,
  NEXT_TOKEN_LIFETIME_MS,
  type PageToken,
} from "../../src/kinesis/page-token.js";
import {
  mergeStep,
  nextIndexAfter,
  type PlanShard,
  type ReshardStep,
  splitStep,
  uniformScalingSteps,
} from "../../src/kinesis/resharding.js";
import {
  formatSequenceNumber,
  formatShardId,
  parseShardId,
} from "../../src/kinesis/sequence-number.js";
import { bytesToHex } from "../../src/kinesis/shard-iterator.js";
import { iteratorKeyOf } from "../iterators/keys.js";
import type { ShardConfig, WireError } from "../shard/types.js";
import { migrate } from "../storage/migrate.js";
import { shardStub } from "../stubs.js";
import { applyReshard, type ReshardPlan, storedPlan } from "./reshard.js";
import { CONTROL_MIGRATIONS } from "./schema.js";
import { byKey, tagKeysProblem, tagsProblem, tooManyTags } from "./tags.js";
import {
  type CreateStreamRequest,
  type ListShardsRequest,
  type Route,
  type ScopeRef,
  SHARD_FILTER_TYPES,
  type ShardFilterType,
} from "./types.js";

interface StreamRow {
  name: string;
  incarnation: string;
  epoch: number;
  created_at: number;
  active_at: number;
  deleting_until: number | null;
  status: string;
  mode: string;
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
  [key: string]: SqlStorageValue;
}

interface AccountSettingsRow {
  commitment_status: string;
  started_at: number | null;
  ended_at: number | null;
  earliest_end_at: number | null;
  [key: string]: SqlStorageValue;
}

interface ShardRow {
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

type Result<T> = T | { error: WireError };

const error = (type: WireError["type"], message: string): { error: WireError } => ({
  error: { type, message },
});

/** On-demand streams start with this many shards, as AWS's do. */
const ON_DEMAND_SHARDS = 4;
/** UpdateShardCount's default limits (its API reference). */
const MAX_SHARDS_PER_STREAM = 10_000;
const MAX_SCALINGS_PER_DAY = 10;
/** UpdateStreamMode: "You can switch between capacity modes twice within 24 hours." */
const MAX_MODE_CHANGES_PER_DAY = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A shard as a reshard plan sees it. */
function planShard(shard: ShardRow): PlanShard {
  return {
    shardId: shard.shard_id,
    start: BigInt(shard.starting_hash_key),
    end: BigInt(shard.ending_hash_key),
  };
}

/** The times (ms) of a comma-separated list that fall in the 24 hours before `now`. */
function recentTimes(list: string, now: number): number[] {
  return list
    .split(",")
    .filter((t) => t !== "")
    .map(Number)
    .filter((t) => now - t < DAY_MS);
}

export class ControlPlane extends DurableObject<Env> {
  /** Replaced by tests that move time. */
  clock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage.sql, CONTROL_MIGRATIONS);
      // A reshard a crash interrupted is finished before anything else runs.
      for (const { plan } of ctx.storage.sql
        .exec<{ plan: string }>("SELECT plan FROM reshards")
        .toArray()) {
        await applyReshard(ctx, env, JSON.parse(plan) as ReshardPlan);
      }
    });
  }

  #numberVar(
    name: "CREATE_STREAM_MS" | "DELETE_STREAM_MS" | "UPDATE_STREAM_MS" | "SHARD_LIMIT",
    fallback: number,
  ): number {
    const value = Number(this.env[name]);
    return Number.isFinite(value) && value >= 0 ? value : fallback;
  }

  /** Forgets streams whose DELETING time is over. */
  #purge(now: number): void {
    const sql = this.ctx.storage.sql;
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

  #stream(name: string, now: number): StreamRow | undefined {
    this.#purge(now);
    return this.ctx.storage.sql
      .exec<StreamRow>("SELECT * FROM streams WHERE name = ?", name)
      .toArray()[0];
  }

  #status(row: StreamRow, now: number): StreamStatus {
    if (row.deleting_until !== null) return "DELETING";
    if (now < row.active_at) return "CREATING";
    return row.updating_until !== null && now < row.updating_until ? "UPDATING" : "ACTIVE";
  }

  #shards(name: string): ShardRow[] {
    return this.ctx.storage.sql
      .exec<ShardRow>("SELECT * FROM shards WHERE stream = ? ORDER BY shard_index", name)
      .toArray();
  }

  /**
   * The shards DescribeStream and ListShards show: open ones, and closed ones
   * until the retention period has passed since they closed (by then all of
   * their records have expired, and AWS lists them no more).
   */
  #listedShards(row: StreamRow, now: number): ShardRow[] {
    const horizon = now - row.retention_hours * 3_600_000;
    return this.#shards(row.name).filter((s) => s.closed_at === null || s.closed_at > horizon);
  }

  #notFound(scope: ScopeRef, name: string): { error: WireError } {
    return error(
      "ResourceNotFoundException",
      `Stream ${name} under account ${scope.account} not found.`,
    );
  }

  /** A stream that exists and is ACTIVE, with the time it was looked up at; or AWS's error. */
  #activeStream(
    scope: ScopeRef,
    name: string,
  ): { row: StreamRow; now: number } | { error: WireError } {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row) return this.#notFound(scope, name);
    return this.#unlessActive(scope, row, now) ?? { row, now };
  }

  /** ResourceInUseException unless the stream is ACTIVE, in AWS's words. */
  #unlessActive(scope: ScopeRef, row: StreamRow, now: number): { error: WireError } | undefined {
    const status = this.#status(row, now);
    if (status === "ACTIVE") return undefined;
    return error(
      "ResourceInUseException",
      `Stream ${row.name} under account ${scope.account} not ACTIVE, instead in state ${status}`,
    );
  }

  #openShardCount(name: string): number {
    return this.ctx.storage.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM shards WHERE stream = ? AND closed_at IS NULL",
        name,
      )
      .one().n;
  }

  /** The server-wide iterator secret: minted on first use, then kept. Only the "server" object is asked. */
  async serverSecret(): Promise<string> {
    let value = await this.ctx.storage.get<string>("server-secret");
    if (!value) {
      value = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
      await this.ctx.storage.put("server-secret", value);
    }
    return value;
  }

  /** CreateStream. */
  async createStream(
    scope: ScopeRef,
    request: CreateStreamRequest,
  ): Promise<Result<Record<string, never>>> {
    const now = this.clock();
    const { name, mode } = request;
    if (this.#stream(name, now)) {
      return error(
        "ResourceInUseException",
        `Stream ${name} under account ${scope.account} already exists.`,
      );
    }
    let shardCount: number;
    if (mode === "ON_DEMAND") {
      shardCount = ON_DEMAND_SHARDS;
    } else if (request.shardCount === undefined) {
      return error(
        "InvalidArgumentException",
        "ShardCount is required for a stream in PROVISIONED mode.",
      );
    } else {
      shardCount = request.shardCount;
    }
    if (request.tags) {
      const problem =
        tagsProblem(request.tags) ??
        (Object.keys(request.tags).length > MAX_TAGS_PER_STREAM
          ? tooManyTags(name, scope.account)
          : undefined);
      if (problem) return error("InvalidArgumentException", problem);
    }
    if (request.warmThroughputMiBps !== undefined) {
      const refused = this.#refuseWarmThroughput(scope, name, mode, request.warmThroughputMiBps);
      if (refused) return refused;
    }
    if (mode === "ON_DEMAND") {
      const refused = this.#onDemandLimitError(scope);
      if (refused) return refused;
    }
    const limit = this.#numberVar("SHARD_LIMIT", 500);
    const open = this.ctx.storage.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM shards WHERE closed_at IS NULL")
      .one().n;
    if (open + shardCount > limit) {
      // AWS's wording.
      return error(
        "LimitExceededException",
        `This request would exceed the shard limit for the account ${scope.account} in ${scope.region}. Current shard count for the account: ${open}. Limit: ${limit}. Number of additional shards that would have resulted from this request: ${shardCount}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
      );
    }

    // The epoch goes into every sequence number; keeping it strictly rising
    // per scope means a recreated stream never accepts its predecessor's numbers.
    const lastEpoch = this.ctx.storage.sql
      .exec<{ e: number | null }>("SELECT MAX(epoch) AS e FROM streams")
      .one().e;
    const storedEpoch = (await this.ctx.storage.get<number>("last-epoch")) ?? 0;
    const epoch = Math.max(now, (lastEpoch ?? 0) + 1, storedEpoch + 1);
    const incarnation = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
    const iteratorKey = await iteratorKeyOf(this.env, incarnation);
    const ranges = evenRanges(shardCount);
    const configs: ShardConfig[] = ranges.map((range, index) => ({
      account: scope.account,
      region: scope.region,
      streamName: name,
      incarnation,
      epoch,
      shardId: formatShardId(index),
      shardIndex: index,
      startingHashKey: range.start.toString(),
      endingHashKey: range.end.toString(),
      retentionHours: DEFAULT_RETENTION_HOURS,
      iteratorKey,
      createdAt: now,
      onDemand: mode === "ON_DEMAND",
    }));

    // The shards exist before the stream is visible, so no write can reach an
    // uninitialised shard.
    await Promise.all(
      configs.map((config) => shardStub(this.env, incarnation, config.shardId).init(config)),
    );

    if (this.#stream(name, this.clock())) {
      // Another CreateStream of this name won while the shards were being made.
      await Promise.all(
        configs.map((config) => shardStub(this.env, incarnation, config.shardId).drop()),
      );
      return error(
        "ResourceInUseException",
        `Stream ${name} under account ${scope.account} already exists.`,
      );
    }
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        `INSERT INTO streams (name, incarnation, epoch, created_at, active_at, deleting_until, status, mode,
           retention_hours, max_record_kib, iterator_key, next_shard_index, warm_throughput_mibps)
         VALUES (?, ?, ?, ?, ?, NULL, 'ACTIVE', ?, ?, ?, ?, ?, ?)`,
        name,
        incarnation,
        epoch,
        now,
        now + this.#numberVar("CREATE_STREAM_MS", 500),
        mode,
        DEFAULT_RETENTION_HOURS,
        request.maxRecordKib ?? DEFAULT_MAX_RECORD_BYTES / 1024,
        iteratorKey,
        shardCount,
        request.warmThroughputMiBps ?? null,
      );
      for (const [key, value] of Object.entries(request.tags ?? {})) {
        sql.exec("INSERT INTO tags (stream, key, value) VALUES (?, ?, ?)", name, key, value);
      }
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
    await this.ctx.storage.put("last-epoch", epoch);
    return {};
  }

  /** DeleteStream: the data becomes unreachable at once, and the shards' storage is reclaimed. */
  async deleteStream(scope: ScopeRef, name: string): Promise<Result<Record<string, never>>> {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row) return this.#notFound(scope, name);
    if (row.deleting_until !== null) return {};
    const shards = this.#shards(name);
    this.ctx.storage.sql.exec(
      "UPDATE streams SET deleting_until = ? WHERE name = ?",
      now + this.#numberVar("DELETE_STREAM_MS", 500),
      name,
    );
    await Promise.all(
      shards.map((shard) => shardStub(this.env, row.incarnation, shard.shard_id).drop()),
    );
    return {};
  }

  #shardOut(row: StreamRow, shard: ShardRow): ShardOut {
    const out: ShardOut = {
      ShardId: shard.shard_id,
      HashKeyRange: {
        StartingHashKey: shard.starting_hash_key,
        EndingHashKey: shard.ending_hash_key,
      },
      SequenceNumberRange: {
        StartingSequenceNumber: formatSequenceNumber({
          epoch: row.epoch,
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

  /** DescribeStream, with shard paging. */
  async describeStream(
    scope: ScopeRef,
    name: string,
    page: { limit?: number; exclusiveStartShardId?: string },
  ): Promise<Result<{ StreamDescription: StreamDescription }>> {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row) return this.#notFound(scope, name);
    const limit = Math.min(page.limit ?? 100, 100);
    const after = page.exclusiveStartShardId;
    const all = this.#listedShards(row, now).filter(
      (s) => after === undefined || s.shard_id > after,
    );
    return {
      StreamDescription: {
        StreamName: name,
        StreamARN: streamArn(scope, name),
        StreamStatus: this.#status(row, now),
        StreamModeDetails: { StreamMode: row.mode as StreamMode },
        Shards: all.slice(0, limit).map((s) => this.#shardOut(row, s)),
        HasMoreShards: all.length > limit,
        RetentionPeriodHours: row.retention_hours,
        StreamCreationTimestamp: new Date(row.created_at),
        EnhancedMonitoring: [{ ShardLevelMetrics: metricsOf(row) }],
        EncryptionType: "NONE",
      },
    };
  }

  /** DescribeStreamSummary. */
  async describeStreamSummary(
    scope: ScopeRef,
    name: string,
  ): Promise<Result<{ StreamDescriptionSummary: StreamDescriptionSummary }>> {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row) return this.#notFound(scope, name);
    const open = this.#openShardCount(name);
    const summary: StreamDescriptionSummary = {
      StreamName: name,
      StreamARN: streamArn(scope, name),
      StreamStatus: this.#status(row, now),
      StreamModeDetails: { StreamMode: row.mode as StreamMode },
      RetentionPeriodHours: row.retention_hours,
      StreamCreationTimestamp: new Date(row.created_at),
      EnhancedMonitoring: [{ ShardLevelMetrics: metricsOf(row) }],
      EncryptionType: "NONE",
      OpenShardCount: open,
      ConsumerCount: 0,
      MaxRecordSizeInKiB: row.max_record_kib,
    };
    // As the model documents: only on-demand streams of accounts with the
    // commitment enabled have warm throughput.
    if (row.mode === "ON_DEMAND" && this.#commitmentActive(now)) {
      summary.WarmThroughput = warmThroughput(row.warm_throughput_mibps, open);
    }
    return { StreamDescriptionSummary: summary };
  }

  /** ListStreams, in name order, with ExclusiveStartStreamName or NextToken paging. */
  async listStreams(
    scope: ScopeRef,
    page: { limit?: number; exclusiveStartStreamName?: string; nextToken?: string },
  ): Promise<Result<ListStreamsOutput>> {
    const now = this.clock();
    this.#purge(now);
    let after = page.exclusiveStartStreamName ?? "";
    if (page.nextToken !== undefined) {
      const token = readPageToken(page.nextToken, now, "streams");
      if ("error" in token) return token;
      after = token.after;
    }
    const limit = Math.min(page.limit ?? 100, 100);
    const rows = this.ctx.storage.sql
      .exec<StreamRow>(
        "SELECT * FROM streams WHERE name > ? ORDER BY name LIMIT ?",
        after,
        limit + 1,
      )
      .toArray();
    const pageRows = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    const last = pageRows[pageRows.length - 1];
    const out: ListStreamsOutput = {
      StreamNames: pageRows.map((r) => r.name),
      HasMoreStreams: hasMore,
      StreamSummaries: pageRows.map((r) => ({
        StreamName: r.name,
        StreamARN: streamArn(scope, r.name),
        StreamStatus: this.#status(r, now),
        StreamModeDetails: { StreamMode: r.mode as StreamMode },
        StreamCreationTimestamp: new Date(r.created_at),
      })),
    };
    if (hasMore && last)
      out.NextToken = encodePageToken({ scope: "", after: last.name, issuedAt: now });
    return out;
  }

  /** ListShards, with NextToken, ExclusiveStartShardId, MaxResults and ShardFilter. */
  async listShards(scope: ScopeRef, request: ListShardsRequest): Promise<Result<ListShardsOutput>> {
    const now = this.clock();
    let { streamName, exclusiveStartShardId, filter } = request;
    if (request.nextToken !== undefined) {
      const token = readPageToken(request.nextToken, now, "shards");
      if ("error" in token) return token;
      const state = token.state === undefined ? undefined : parseShardFilter(token.state);
      if (state === null) return error("InvalidArgumentException", "Invalid NextToken.");
      streamName = token.scope;
      exclusiveStartShardId = token.after || undefined;
      filter = state;
    }
    if (streamName === undefined)
      return error("InvalidArgumentException", "Either StreamName or StreamARN must be provided.");
    const row = this.#stream(streamName, now);
    if (!row) return this.#notFound(scope, streamName);
    if (
      request.streamCreationTimestamp !== undefined &&
      Math.floor(request.streamCreationTimestamp / 1000) !== Math.floor(row.created_at / 1000)
    ) {
      return this.#notFound(scope, streamName);
    }
    const trimHorizon = now - row.retention_hours * 3_600_000;
    const shards = this.#listedShards(row, now).filter(
      (s) =>
        (exclusiveStartShardId === undefined || s.shard_id > exclusiveStartShardId) &&
        (!filter || matchesFilter(s, filter, { now, trimHorizon, createdAt: row.created_at })),
    );
    const limit = Math.min(request.maxResults ?? 1000, 1000);
    const pageShards = shards.slice(0, limit);
    const out: ListShardsOutput = { Shards: pageShards.map((s) => this.#shardOut(row, s)) };
    const last = pageShards[pageShards.length - 1];
    if (shards.length > limit && last) {
      out.NextToken = encodePageToken({
        scope: streamName,
        after: last.shard_id,
        issuedAt: now,
        ...(filter ? { state: JSON.stringify(filter) } : {}),
      });
    }
    return out;
  }

  /** AddTagsToStream and TagResource: adds tags or replaces their values. */
  async addTags(
    scope: ScopeRef,
    name: string,
    tags: Record<string, string>,
  ): Promise<Result<Record<string, never>>> {
    const row = this.#stream(name, this.clock());
    if (!row) return this.#notFound(scope, name);
    // AWS looks for the stream before it reads the tags (kinesalite's recordings).
    const problem = tagsProblem(tags);
    if (problem) return error("InvalidArgumentException", problem);
    const sql = this.ctx.storage.sql;
    const keys = new Set(
      sql
        .exec<{ key: string }>("SELECT key FROM tags WHERE stream = ?", name)
        .toArray()
        .map((r) => r.key),
    );
    for (const key of Object.keys(tags)) keys.add(key);
    if (keys.size > MAX_TAGS_PER_STREAM) {
      return error("InvalidArgumentException", tooManyTags(name, scope.account));
    }
    this.ctx.storage.transactionSync(() => {
      for (const [key, value] of Object.entries(tags)) {
        sql.exec(
          "INSERT INTO tags (stream, key, value) VALUES (?, ?, ?) ON CONFLICT (stream, key) DO UPDATE SET value = excluded.value",
          name,
          key,
          value,
        );
      }
    });
    return {};
  }

  /** RemoveTagsFromStream and UntagResource; keys the stream does not have are ignored. */
  async removeTags(
    scope: ScopeRef,
    name: string,
    keys: readonly string[],
  ): Promise<Result<Record<string, never>>> {
    const row = this.#stream(name, this.clock());
    if (!row) return this.#notFound(scope, name);
    const problem = tagKeysProblem(keys);
    if (problem) return error("InvalidArgumentException", problem);
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const key of keys) sql.exec("DELETE FROM tags WHERE stream = ? AND key = ?", name, key);
    });
    return {};
  }

  /** ListTagsForStream (and, with no page, ListTagsForResource): tags in key order. */
  async listTags(
    scope: ScopeRef,
    name: string,
    page: { exclusiveStartTagKey?: string; limit?: number } = {},
  ): Promise<Result<ListTagsForStreamOutput>> {
    const row = this.#stream(name, this.clock());
    if (!row) return this.#notFound(scope, name);
    const after = page.exclusiveStartTagKey;
    const tags: Tag[] = this.ctx.storage.sql
      .exec<{ key: string; value: string }>("SELECT key, value FROM tags WHERE stream = ?", name)
      .toArray()
      .map((r) => ({ Key: r.key, Value: r.value }))
      .filter((t) => after === undefined || t.Key > after)
      .sort(byKey);
    const limit = page.limit ?? MAX_TAGS_PER_STREAM;
    return { Tags: tags.slice(0, limit), HasMoreTags: tags.length > limit };
  }

  /**
   * IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod. Every
   * shard hears the new retention, so reads and trimming follow it at once.
   */
  async changeRetention(
    scope: ScopeRef,
    name: string,
    hours: number,
    change: "increase" | "decrease",
  ): Promise<Result<Record<string, never>>> {
    // The wording of these four errors is AWS's (kinesalite's recordings).
    if (hours < MIN_RETENTION_HOURS) {
      return error(
        "InvalidArgumentException",
        `Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too short.`,
      );
    }
    if (hours > MAX_RETENTION_HOURS) {
      return error(
        "InvalidArgumentException",
        `Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too long.`,
      );
    }
    const active = this.#activeStream(scope, name);
    if ("error" in active) return active;
    const { row } = active;
    const current = row.retention_hours;
    if (change === "increase" && hours < current) {
      return error(
        "InvalidArgumentException",
        `Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
      );
    }
    if (change === "decrease" && hours > current) {
      return error(
        "InvalidArgumentException",
        `Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
      );
    }
    this.ctx.storage.sql.exec("UPDATE streams SET retention_hours = ? WHERE name = ?", hours, name);
    // Closed shards too: they stay readable until their records expire. An
    // equal value is sent as well, which repairs a shard an earlier call missed.
    await Promise.all(
      this.#shards(name).map((shard) =>
        shardStub(this.env, row.incarnation, shard.shard_id).setRetention(hours),
      ),
    );
    return {};
  }

  /** DescribeLimits: the account's shard limit and usage in this region. */
  async describeLimits(): Promise<DescribeLimitsOutput> {
    this.#purge(this.clock());
    const sql = this.ctx.storage.sql;
    return {
      ShardLimit: this.#numberVar("SHARD_LIMIT", 500),
      OpenShardCount: sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM shards WHERE closed_at IS NULL")
        .one().n,
      OnDemandStreamCount: sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM streams WHERE mode = 'ON_DEMAND'")
        .one().n,
      OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
    };
  }

  /** UpdateMaxRecordSize. The Worker's cached routes carry the old size until they are reloaded. */
  async updateMaxRecordSize(
    scope: ScopeRef,
    name: string,
    kib: number,
  ): Promise<Result<Record<string, never>>> {
    const active = this.#activeStream(scope, name);
    if ("error" in active) return active;
    this.ctx.storage.sql.exec("UPDATE streams SET max_record_kib = ? WHERE name = ?", kib, name);
    return {};
  }

  /** EnableEnhancedMonitoring and DisableEnhancedMonitoring; "ALL" names every metric. */
  async changeMonitoring(
    scope: ScopeRef,
    name: string,
    metrics: readonly (ShardLevelMetric | "ALL")[],
    change: "enable" | "disable",
  ): Promise<Result<EnhancedMonitoringOutput>> {
    const active = this.#activeStream(scope, name);
    if ("error" in active) return active;
    const { row } = active;
    const named = new Set<string>(metrics.includes("ALL") ? SHARD_LEVEL_METRICS : metrics);
    const current = metricsOf(row);
    const desired = SHARD_LEVEL_METRICS.filter((m) =>
      change === "enable"
        ? current.includes(m) || named.has(m)
        : current.includes(m) && !named.has(m),
    );
    this.ctx.storage.sql.exec(
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
   * Why a stream may not have this warm throughput, or undefined when it may:
   * only on-demand streams of accounts with the commitment enabled have it.
   * The messages are ours: AWS's wording is not recorded anywhere we know of.
   */
  #refuseWarmThroughput(
    scope: ScopeRef,
    name: string,
    mode: StreamMode,
    mibps: number,
  ): { error: WireError } | undefined {
    if (mode !== "ON_DEMAND") {
      return error(
        "ValidationException",
        `Warm throughput is only supported for streams in ON_DEMAND mode. Stream ${name} under account ${scope.account} is in ${mode} mode.`,
      );
    }
    if (!this.#commitmentActive(this.clock())) {
      return error(
        "InvalidArgumentException",
        `Warm throughput requires MinimumThroughputBillingCommitment to be enabled for account ${scope.account} in ${scope.region}.`,
      );
    }
    if (mibps > MAX_WARM_THROUGHPUT_MIBPS) {
      return error(
        "LimitExceededException",
        `Requested warm throughput of ${mibps} MiBps for stream ${name} under account ${scope.account} exceeds the limit of ${MAX_WARM_THROUGHPUT_MIBPS} MiBps.`,
      );
    }
    return undefined;
  }

  /**
   * UpdateStreamWarmThroughput. Nothing here needs warming, so the stream
   * reaches its target at once; the answer shows what it ran at before, as
   * AWS's does while it scales.
   */
  async updateWarmThroughput(
    scope: ScopeRef,
    name: string,
    mibps: number,
  ): Promise<Result<UpdateStreamWarmThroughputOutput>> {
    const active = this.#activeStream(scope, name);
    if ("error" in active) return active;
    const { row } = active;
    const refused = this.#refuseWarmThroughput(scope, name, row.mode as StreamMode, mibps);
    if (refused) return refused;
    const before = warmThroughput(row.warm_throughput_mibps, this.#openShardCount(name));
    this.ctx.storage.sql.exec(
      "UPDATE streams SET warm_throughput_mibps = ? WHERE name = ?",
      mibps,
      name,
    );
    return {
      StreamARN: streamArn(scope, name),
      StreamName: name,
      WarmThroughput: { TargetMiBps: mibps, CurrentMiBps: before.CurrentMiBps ?? 0 },
    };
  }

  /**
   * The commitment as stored. ENABLED with an end time is an end the account
   * asked for before the earliest allowed end: it is scheduled, not done.
   */
  #commitmentRow(): AccountSettingsRow | undefined {
    return this.ctx.storage.sql
      .exec<AccountSettingsRow>("SELECT * FROM account_settings WHERE id = 1")
      .toArray()[0];
  }

  /** The commitment's status at `now`; the scheduled end needs no timer. */
  #commitmentStatus(row: AccountSettingsRow | undefined, now: number): CommitmentStatus {
    if (row?.commitment_status !== "ENABLED") return "DISABLED";
    if (row.ended_at === null) return "ENABLED";
    return now < row.ended_at ? "ENABLED_UNTIL_EARLIEST_ALLOWED_END" : "DISABLED";
  }

  #commitmentActive(now: number): boolean {
    return this.#commitmentStatus(this.#commitmentRow(), now) !== "DISABLED";
  }

  #accountSettings(now: number): AccountSettingsOutput {
    const row = this.#commitmentRow();
    const status = this.#commitmentStatus(row, now);
    const out: MinimumThroughputBillingCommitmentOutput = { Status: status };
    if (row?.started_at != null) out.StartedAt = new Date(row.started_at);
    if (status !== "DISABLED" && row?.earliest_end_at != null) {
      out.EarliestAllowedEndAt = new Date(row.earliest_end_at);
    }
    if (row?.ended_at != null) out.EndedAt = new Date(row.ended_at);
    return { MinimumThroughputBillingCommitment: out };
  }

  /** DescribeAccountSettings. */
  async describeAccountSettings(): Promise<AccountSettingsOutput> {
    return this.#accountSettings(this.clock());
  }

  /**
   * UpdateAccountSettings, as the model documents the commitment: enabling
   * starts one that lasts at least 24 hours; disabling before then schedules
   * the end for the earliest allowed time; enabling again before that cancels
   * the scheduled end. Asking for the status it already has changes nothing.
   */
  async updateAccountSettings(status: "ENABLED" | "DISABLED"): Promise<AccountSettingsOutput> {
    const now = this.clock();
    const row = this.#commitmentRow();
    const current = this.#commitmentStatus(row, now);
    const sql = this.ctx.storage.sql;
    if (status === "ENABLED" && current === "DISABLED") {
      sql.exec(
        `INSERT OR REPLACE INTO account_settings (id, commitment_status, started_at, ended_at, earliest_end_at)
         VALUES (1, 'ENABLED', ?, NULL, ?)`,
        now,
        now + MIN_COMMITMENT_MS,
      );
    } else if (status === "ENABLED" && current === "ENABLED_UNTIL_EARLIEST_ALLOWED_END") {
      sql.exec("UPDATE account_settings SET ended_at = NULL WHERE id = 1");
    } else if (status === "DISABLED" && current === "ENABLED" && row) {
      const earliest = row.earliest_end_at ?? now;
      if (now >= earliest) {
        sql.exec(
          "UPDATE account_settings SET commitment_status = 'DISABLED', ended_at = ? WHERE id = 1",
          now,
        );
      } else {
        sql.exec("UPDATE account_settings SET ended_at = ? WHERE id = 1", earliest);
      }
    }
    return this.#accountSettings(now);
  }

  /** The shard limit's error, in AWS's words, for a request that would open `more` shards. */
  #shardLimitError(scope: ScopeRef, more: number): { error: WireError } | undefined {
    const limit = this.#numberVar("SHARD_LIMIT", 500);
    const open = this.ctx.storage.sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM shards WHERE closed_at IS NULL")
      .one().n;
    if (open + more <= limit) return undefined;
    return error(
      "LimitExceededException",
      `This request would exceed the shard limit for the account ${scope.account} in ${scope.region}. Current shard count for the account: ${open}. Limit: ${limit}. Number of additional shards that would have resulted from this request: ${more}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
    );
  }

  /**
   * A stream and the open shards a reshard names (in any form that ends in
   * their number), or AWS's errors for the stream or the first shard that is
   * missing or closed.
   */
  #reshardTarget(
    scope: ScopeRef,
    name: string,
    shardIds: readonly string[],
  ): { row: StreamRow; now: number; shards: ShardRow[] } | { error: WireError } {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row) return this.#notFound(scope, name);
    const shards: ShardRow[] = [];
    for (const id of shardIds) {
      const found = this.#openShard(scope, row, id);
      if ("error" in found) return found;
      shards.push(found.shard);
    }
    return { row, now, shards };
  }

  /** An open shard of a stream named in any form that ends in its number, or AWS's errors. */
  #openShard(
    scope: ScopeRef,
    row: StreamRow,
    given: string,
  ): { shard: ShardRow } | { error: WireError } {
    const index = parseShardId(given);
    const shard =
      index === undefined ? undefined : this.#shards(row.name).find((s) => s.shard_index === index);
    if (!shard) {
      return error(
        "ResourceNotFoundException",
        `Could not find shard ${index === undefined ? given : formatShardId(index)} in stream ${row.name} under account ${scope.account}.`,
      );
    }
    if (shard.closed_at !== null) {
      return error(
        "InvalidArgumentException",
        `Shard ${shard.shard_id} in stream ${row.name} under account ${scope.account} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
    return { shard };
  }

  /** Resharding is for provisioned streams; on-demand ones scale themselves. */
  #unlessProvisioned(operation: string, row: StreamRow): { error: WireError } | undefined {
    if (row.mode === "PROVISIONED") return undefined;
    return error(
      "ValidationException",
      `${operation} is not supported for stream ${row.name} in ON_DEMAND capacity mode.`,
    );
  }

  /** SplitShard. */
  async splitShard(
    scope: ScopeRef,
    name: string,
    shardToSplit: string,
    newStartingHashKey: string,
  ): Promise<Result<Record<string, never>>> {
    const target = this.#reshardTarget(scope, name, [shardToSplit]);
    if ("error" in target) return target;
    const { row, now, shards } = target;
    const [shard] = shards;
    if (!shard) return this.#notFound(scope, name);
    const limited = this.#shardLimitError(scope, 1);
    if (limited) return limited;
    // AWS's words; the key must leave both halves at least two hash keys.
    const at = BigInt(newStartingHashKey);
    const start = BigInt(shard.starting_hash_key);
    const end = BigInt(shard.ending_hash_key);
    if (at <= start + 1n || at >= end) {
      return error(
        "InvalidArgumentException",
        `NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${shard.shard_id} in stream ${name} under account ${scope.account} is not both greater than one plus the shard's StartingHashKey ${shard.starting_hash_key} and less than the shard's EndingHashKey ${shard.ending_hash_key}.`,
      );
    }
    const refused =
      this.#unlessActive(scope, row, now) ?? this.#unlessProvisioned("SplitShard", row);
    if (refused) return refused;
    await this.#reshard(scope, row, [splitStep(planShard(shard), at, row.next_shard_index)], now);
    return {};
  }

  /** MergeShards: `shardToMerge` and the shard right above it. */
  async mergeShards(
    scope: ScopeRef,
    name: string,
    shardToMerge: string,
    adjacentShardToMerge: string,
  ): Promise<Result<Record<string, never>>> {
    const target = this.#reshardTarget(scope, name, [shardToMerge, adjacentShardToMerge]);
    if ("error" in target) return target;
    const { row, now } = target;
    const [lower, upper] = target.shards;
    if (!lower || !upper) return this.#notFound(scope, name);
    if (BigInt(lower.ending_hash_key) + 1n !== BigInt(upper.starting_hash_key)) {
      // AWS's words; it takes the pair in this order only.
      return error(
        "InvalidArgumentException",
        `Shards ${lower.shard_id} and ${upper.shard_id} in stream ${name} under account ${scope.account} are not an adjacent pair of shards eligible for merging`,
      );
    }
    const refused =
      this.#unlessActive(scope, row, now) ?? this.#unlessProvisioned("MergeShards", row);
    if (refused) return refused;
    await this.#reshard(
      scope,
      row,
      [mergeStep(planShard(lower), planShard(upper), row.next_shard_index)],
      now,
    );
    return {};
  }

  /** UpdateShardCount with UNIFORM_SCALING, within AWS's default limits. */
  async updateShardCount(
    scope: ScopeRef,
    name: string,
    target: number,
  ): Promise<
    Result<{
      StreamName: string;
      StreamARN: string;
      CurrentShardCount: number;
      TargetShardCount: number;
    }>
  > {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row) return this.#notFound(scope, name);
    const refused =
      this.#unlessActive(scope, row, now) ?? this.#unlessProvisioned("UpdateShardCount", row);
    if (refused) return refused;
    const open = this.#shards(name).filter((s) => s.closed_at === null);
    const current = open.length;
    const counts = `Current open shard count: ${current}, Target shard count: ${target}`;
    // The wording of these three is AWS's (kinesalite's recordings).
    if (target > MAX_SHARDS_PER_STREAM) {
      return error(
        "LimitExceededException",
        `Target shard count or number of open shards cannot be greater than ${MAX_SHARDS_PER_STREAM}. ${counts}`,
      );
    }
    if (target > current * 2) {
      return error(
        "LimitExceededException",
        `UpdateShardCount cannot scale up over double your current open shard count. ${counts}`,
      );
    }
    if (target < current / 2) {
      return error(
        "LimitExceededException",
        `UpdateShardCount cannot scale down below half your current open shard count. ${counts}`,
      );
    }
    const limited = this.#shardLimitError(scope, target - current);
    if (limited) return limited;
    const calls = recentTimes(row.scaling_calls, now);
    if (calls.length >= MAX_SCALINGS_PER_DAY) {
      return error(
        "LimitExceededException",
        `UpdateShardCount for stream ${name} under account ${scope.account} exceeds the limit of ${MAX_SCALINGS_PER_DAY} scaling operations in a rolling 24-hour period.`,
      );
    }
    const steps = uniformScalingSteps(open.map(planShard), target, row.next_shard_index);
    this.ctx.storage.sql.exec(
      "UPDATE streams SET scaling_calls = ? WHERE name = ?",
      [...calls, now].join(","),
      name,
    );
    await this.#reshard(scope, row, steps, now);
    return {
      StreamName: name,
      StreamARN: streamArn(scope, name),
      CurrentShardCount: current,
      TargetShardCount: target,
    };
  }

  /**
   * Runs a reshard. The plan is stored first, with the stream UPDATING and its
   * shard indexes taken, then applied; a crash in between is finished when the
   * object starts again. Nothing else runs on this object meanwhile, so a
   * Worker that finds a parent closed and asks for a fresh route gets the new
   * shards, never a map in between.
   */
  async #reshard(
    scope: ScopeRef,
    row: StreamRow,
    steps: ReshardStep[],
    now: number,
    options: { updating: boolean } = { updating: true },
  ): Promise<void> {
    const plan = storedPlan(scope, row.name, steps, now);
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        "UPDATE streams SET updating_until = ?, next_shard_index = ? WHERE name = ?",
        options.updating ? now + this.#numberVar("UPDATE_STREAM_MS", 500) : row.updating_until,
        nextIndexAfter(steps, row.next_shard_index),
        row.name,
      );
      sql.exec(
        "INSERT OR REPLACE INTO reshards (stream, plan) VALUES (?, ?)",
        row.name,
        JSON.stringify(plan),
      );
    });
    await this.ctx.blockConcurrencyWhile(() => applyReshard(this.ctx, this.env, plan));
  }

  /** The account's on-demand stream quota (DescribeLimits reports it). */
  #onDemandLimitError(scope: ScopeRef): { error: WireError } | undefined {
    const count = this.ctx.storage.sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM streams WHERE mode = 'ON_DEMAND' AND deleting_until IS NULL",
      )
      .one().n;
    if (count < ON_DEMAND_STREAM_LIMIT) return undefined;
    return error(
      "LimitExceededException",
      `This request would exceed the on-demand stream limit for the account ${scope.account} in ${scope.region}. Current on-demand stream count for the account: ${count}. Limit: ${ON_DEMAND_STREAM_LIMIT}.`,
    );
  }

  /**
   * UpdateStreamMode. A stream that becomes ON_DEMAND gets at least the four
   * shards (4 MiB/s of writes) an on-demand stream starts with, and its shards
   * start scaling themselves; one that becomes PROVISIONED keeps its shards.
   * AWS allows two switches in a rolling 24 hours.
   */
  async updateStreamMode(
    scope: ScopeRef,
    name: string,
    mode: StreamMode,
    warmThroughputMiBps: number | undefined,
  ): Promise<Result<Record<string, never>>> {
    const active = this.#activeStream(scope, name);
    if ("error" in active) return active;
    const { row, now } = active;
    if (warmThroughputMiBps !== undefined) {
      const refused = this.#refuseWarmThroughput(scope, name, mode, warmThroughputMiBps);
      if (refused) return refused;
    }
    const sql = this.ctx.storage.sql;
    if (row.mode === mode) {
      if (warmThroughputMiBps !== undefined) {
        sql.exec(
          "UPDATE streams SET warm_throughput_mibps = ? WHERE name = ?",
          warmThroughputMiBps,
          name,
        );
      }
      return {};
    }
    const changes = recentTimes(row.mode_changes, now);
    if (changes.length >= MAX_MODE_CHANGES_PER_DAY) {
      return error(
        "LimitExceededException",
        `Stream ${name} under account ${scope.account} has had its capacity mode updated ${changes.length} times in the last 24 hours; the limit is ${MAX_MODE_CHANGES_PER_DAY}.`,
      );
    }
    const open = this.#shards(name).filter((s) => s.closed_at === null);
    const growTo = mode === "ON_DEMAND" ? Math.max(ON_DEMAND_SHARDS, open.length) : open.length;
    if (mode === "ON_DEMAND") {
      const refused =
        this.#onDemandLimitError(scope) ?? this.#shardLimitError(scope, growTo - open.length);
      if (refused) return refused;
    }
    sql.exec(
      "UPDATE streams SET mode = ?, mode_changes = ?, updating_until = ?, warm_throughput_mibps = ? WHERE name = ?",
      mode,
      [...changes, now].join(","),
      now + this.#numberVar("UPDATE_STREAM_MS", 500),
      mode === "ON_DEMAND" ? (warmThroughputMiBps ?? row.warm_throughput_mibps) : null,
      name,
    );
    await Promise.all(
      open.map((shard) =>
        shardStub(this.env, row.incarnation, shard.shard_id).setOnDemand(mode === "ON_DEMAND"),
      ),
    );
    // Up to the starting capacity, doubling at most per plan as UpdateShardCount does.
    for (let count = open.length; count < growTo; ) {
      const fresh = this.#stream(name, now);
      if (!fresh) break;
      const current = this.#shards(name).filter((s) => s.closed_at === null);
      const target = Math.min(growTo, count * 2);
      await this.#reshard(
        scope,
        fresh,
        uniformScalingSteps(current.map(planShard), target, fresh.next_shard_index),
        now,
      );
      count = target;
    }
    return {};
  }

  /**
   * On-demand scaling, the control plane's half: a hot shard of an ON_DEMAND
   * stream asks to be split in two at the middle of its range. The stream
   * stays ACTIVE (its owner did not ask for this), and the account's shard
   * limit still applies. A request from a shard of an older incarnation, from
   * a closed shard or for a stream no longer on demand is ignored.
   */
  async scaleUp(
    scope: ScopeRef,
    name: string,
    incarnation: string,
    shardId: string,
  ): Promise<{ split: boolean }> {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (
      !row ||
      row.incarnation !== incarnation ||
      row.mode !== "ON_DEMAND" ||
      now < row.active_at ||
      row.deleting_until !== null
    ) {
      return { split: false };
    }
    const shard = this.#shards(name).find((s) => s.shard_id === shardId && s.closed_at === null);
    if (!shard || this.#shardLimitError(scope, 1)) return { split: false };
    const start = BigInt(shard.starting_hash_key);
    const end = BigInt(shard.ending_hash_key);
    if (end - start < 2n) return { split: false };
    const at = start + (end - start + 1n) / 2n;
    await this.#reshard(scope, row, [splitStep(planShard(shard), at, row.next_shard_index)], now, {
      updating: false,
    });
    return { split: true };
  }

  /** The stream's routing facts, for the Worker's shard-map cache. */
  async route(scope: ScopeRef, name: string): Promise<Result<Route>> {
    const now = this.clock();
    const row = this.#stream(name, now);
    if (!row || row.deleting_until !== null) return this.#notFound(scope, name);
    return {
      incarnation: row.incarnation,
      epoch: row.epoch,
      activeAt: row.active_at,
      maxRecordBytes: row.max_record_kib * 1024,
      shards: this.#shards(name).map((s) => ({
        shardId: s.shard_id,
        shardIndex: s.shard_index,
        startingHashKey: s.starting_hash_key,
        endingHashKey: s.ending_hash_key,
        open: s.closed_at === null,
      })),
    };
  }
}

/**
 * A NextToken's content, or the error for it. Tokens are not signed (they say
 * nothing a caller may not know), so everything in them is checked: a token
 * of the wrong list, or issued in the future, is invalid; an old one expired.
 */
function readPageToken(
  text: string,
  now: number,
  list: "streams" | "shards",
): PageToken | { error: WireError } {
  const token = decodePageToken(text);
  if (!token || (list === "streams") !== (token.scope === "") || token.issuedAt > now) {
    return error("InvalidArgumentException", "Invalid NextToken.");
  }
  if (now - token.issuedAt > NEXT_TOKEN_LIFETIME_MS) {
    return error("ExpiredNextTokenException", "The NextToken has expired.");
  }
  return token;
}

const FILTER_TYPES: ReadonlySet<string> = new Set(SHARD_FILTER_TYPES);

/** The ShardFilter a ListShards token carries, or null when it is not one. */
function parseShardFilter(state: string): ListShardsRequest["filter"] | null {
  let value: unknown;
  try {
    value = JSON.parse(state);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const { type, shardId, timestamp } = value as Record<string, unknown>;
  if (typeof type !== "string" || !FILTER_TYPES.has(type)) return null;
  if (shardId !== undefined && typeof shardId !== "string") return null;
  if (timestamp !== undefined && (typeof timestamp !== "number" || !Number.isFinite(timestamp))) {
    return null;
  }
  const filter: NonNullable<ListShardsRequest["filter"]> = { type: type as ShardFilterType };
  if (shardId !== undefined) filter.shardId = shardId;
  if (timestamp !== undefined) filter.timestamp = timestamp;
  return filter;
}

/**
 * Whether a shard passes a ListShards ShardFilter. A shard is open at time t
 * when it was created by then and not yet closed.
 */
function matchesFilter(
  shard: ShardRow,
  filter: NonNullable<ListShardsRequest["filter"]>,
  at: { now: number; trimHorizon: number; createdAt: number },
): boolean {
  const openAt = (t: number) =>
    shard.created_at <= t && (shard.closed_at === null || shard.closed_at > t);
  switch (filter.type) {
    case "AFTER_SHARD_ID":
      return filter.shardId === undefined || shard.shard_id > filter.shardId;
    case "AT_TRIM_HORIZON":
      return openAt(Math.max(at.trimHorizon, at.createdAt));
    case "FROM_TRIM_HORIZON":
      return shard.closed_at === null || shard.closed_at > at.trimHorizon;
    case "AT_LATEST":
      return shard.closed_at === null;
    case "AT_TIMESTAMP":
      return openAt(Math.max(filter.timestamp ?? at.now, at.createdAt));
    case "FROM_TIMESTAMP":
      return shard.closed_at === null || shard.closed_at > (filter.timestamp ?? at.now);
    default:
      return false;
  }
}

/** A stream's enabled enhanced metrics, in the model's order. */
function metricsOf(row: StreamRow): ShardLevelMetric[] {
  const enabled = new Set(row.shard_level_metrics.split(","));
  return SHARD_LEVEL_METRICS.filter((m) => enabled.has(m));
}

/**
 * A stream's warm throughput. Without a target it runs at what its open
 * shards take, 1 MiB/s each; a target below that does not slow it down.
 */
function warmThroughput(target: number | null, openShards: number): WarmThroughputObject {
  const out: WarmThroughputObject = { CurrentMiBps: Math.max(target ?? 0, openShards) };
  if (target !== null) out.TargetMiBps = target;
  return out;
}
