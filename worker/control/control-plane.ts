/**
 * The control plane of one account and region: streams, their shard maps and
 * lineage. One Durable Object per scope, so one scope never sees another's
 * streams. The data plane does not pass through here on each request; the
 * Worker caches `route()` answers.
 *
 * Stream status is derived from timestamps (CREATING until `active_at`,
 * DELETING until `deleting_until`), so the transitions need no timers.
 */
import { DurableObject } from "cloudflare:workers";
import { streamArn } from "../../src/kinesis/arn.js";
import {
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_RETENTION_HOURS,
  type StreamMode,
} from "../../src/kinesis/constraints.js";
import { evenRanges } from "../../src/kinesis/hash-key.js";
import type {
  ListShardsOutput,
  ListStreamsOutput,
  ShardOut,
  StreamDescription,
  StreamDescriptionSummary,
  StreamStatus,
} from "../../src/kinesis/model.js";
import {
  decodePageToken,
  encodePageToken,
  NEXT_TOKEN_LIFETIME_MS,
} from "../../src/kinesis/page-token.js";
import { formatSequenceNumber, formatShardId } from "../../src/kinesis/sequence-number.js";
import { bytesToHex } from "../../src/kinesis/shard-iterator.js";
import { iteratorKeyOf } from "../iterators/keys.js";
import type { ShardConfig, WireError } from "../shard/types.js";
import { migrate } from "../storage/migrate.js";
import { shardStub } from "../stubs.js";
import { CONTROL_MIGRATIONS } from "./schema.js";
import type { ListShardsRequest, Route, ScopeRef } from "./types.js";

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

export class ControlPlane extends DurableObject<Env> {
  /** Replaced by tests that move time. */
  clock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage.sql, CONTROL_MIGRATIONS));
  }

  #numberVar(
    name: "CREATE_STREAM_MS" | "DELETE_STREAM_MS" | "SHARD_LIMIT",
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
    return row.status === "UPDATING" ? "UPDATING" : "ACTIVE";
  }

  #shards(name: string): ShardRow[] {
    return this.ctx.storage.sql
      .exec<ShardRow>("SELECT * FROM shards WHERE stream = ? ORDER BY shard_index", name)
      .toArray();
  }

  #notFound(scope: ScopeRef, name: string): { error: WireError } {
    return error(
      "ResourceNotFoundException",
      `Stream ${name} under account ${scope.account} not found.`,
    );
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
    request: { name: string; shardCount?: number; mode: StreamMode; maxRecordKib?: number },
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
           retention_hours, max_record_kib, iterator_key, next_shard_index)
         VALUES (?, ?, ?, ?, ?, NULL, 'ACTIVE', ?, ?, ?, ?, ?)`,
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
      );
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
    const all = this.#shards(name).filter((s) => after === undefined || s.shard_id > after);
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
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
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
    const open = this.#shards(name).filter((s) => s.closed_at === null).length;
    return {
      StreamDescriptionSummary: {
        StreamName: name,
        StreamARN: streamArn(scope, name),
        StreamStatus: this.#status(row, now),
        StreamModeDetails: { StreamMode: row.mode as StreamMode },
        RetentionPeriodHours: row.retention_hours,
        StreamCreationTimestamp: new Date(row.created_at),
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        EncryptionType: "NONE",
        OpenShardCount: open,
        ConsumerCount: 0,
        MaxRecordSizeInKiB: row.max_record_kib,
      },
    };
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
      const token = decodePageToken(page.nextToken);
      if (token?.scope !== "") return error("InvalidArgumentException", "Invalid NextToken.");
      if (now - token.issuedAt > NEXT_TOKEN_LIFETIME_MS) {
        return error("ExpiredNextTokenException", "The NextToken has expired.");
      }
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
      const token = decodePageToken(request.nextToken);
      if (!token || token.scope === "")
        return error("InvalidArgumentException", "Invalid NextToken.");
      if (now - token.issuedAt > NEXT_TOKEN_LIFETIME_MS) {
        return error("ExpiredNextTokenException", "The NextToken has expired.");
      }
      streamName = token.scope;
      exclusiveStartShardId = token.after || undefined;
      filter = token.state ? (JSON.parse(token.state) as ListShardsRequest["filter"]) : undefined;
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
    const shards = this.#shards(streamName).filter(
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
