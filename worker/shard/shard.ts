/**
 * One shard of one stream incarnation: a Durable Object with SQLite storage
 * that owns the shard's ordered log.
 *
 * - Appends take one SQLite transaction per call, whatever the batch size.
 * - Positions rise strictly and are never reused, even after trimming: the
 *   counter lives in `meta`, written in the same transaction as the records.
 * - Records older than the stream's retention are never returned, and an alarm
 *   deletes them.
 * - Once the stream is deleted the object drops all its storage; any later call
 *   (from a Worker with a stale shard map) is answered `{ gone: true }`.
 */
import { DurableObject } from "cloudflare:workers";
import { ITERATOR_LIFETIME_MS, MAX_GET_RECORDS_BYTES } from "../../src/kinesis/constraints.js";
import { javaDate } from "../../src/kinesis/java-date.js";
import {
  formatSequenceNumber,
  formatShardId,
  parseSequenceNumber,
} from "../../src/kinesis/sequence-number.js";
import { IteratorSigner } from "../iterators/signer.js";
import { hasTable, migrate } from "../storage/migrate.js";
import { SHARD_MIGRATIONS } from "./schema.js";
import type {
  AppendEntry,
  AppendResult,
  IteratorRequest,
  IteratorResult,
  ReadResult,
  ShardConfig,
  StoredRecord,
  WireError,
} from "./types.js";

/** SQLite in a Durable Object caps a row at 2 MB; data above this goes to record_chunks. */
export const INLINE_LIMIT = 1024 * 1024;
const HOUR_MS = 60 * 60 * 1000;

interface ShardState {
  config: ShardConfig;
  nextPosition: number;
  lastArrival: number;
  status: "OPEN" | "CLOSED";
  endingPosition: number | null;
  signer: IteratorSigner;
}

interface RecordRow {
  position: number;
  arrival: number;
  partition_key: string;
  size: number;
  data: ArrayBuffer | null;
  chunks: number;
  [key: string]: SqlStorageValue;
}

export class Shard extends DurableObject<Env> {
  #state: ShardState | undefined;
  #alarmAt: number | null = null;

  /**
   * The shard's clock. Tests replace it (through `runInDurableObject`) to move
   * time for retention without waiting.
   */
  clock: () => number = () => Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      // A dropped or never-created shard has no tables; creating them here
      // would give storage back to an object that must stay empty.
      if (!hasTable(ctx.storage.sql, "meta")) return;
      migrate(ctx.storage.sql, SHARD_MIGRATIONS);
      this.#load();
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  #load(): void {
    const row = this.ctx.storage.sql
      .exec<{
        config: string;
        next_position: number;
        last_arrival: number;
        status: string;
        ending_position: number | null;
      }>(
        "SELECT config, next_position, last_arrival, status, ending_position FROM meta WHERE id = 1",
      )
      .toArray()[0];
    if (!row) {
      this.#state = undefined;
      return;
    }
    const config = JSON.parse(row.config) as ShardConfig;
    this.#state = {
      config,
      nextPosition: row.next_position,
      lastArrival: row.last_arrival,
      status: row.status === "CLOSED" ? "CLOSED" : "OPEN",
      endingPosition: row.ending_position,
      signer: new IteratorSigner(config.iteratorKey),
    };
  }

  /** Creates the shard. Called once by the control plane; a repeat with the same config is a no-op. */
  async init(config: ShardConfig): Promise<void> {
    if (this.#state) return;
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      migrate(sql, SHARD_MIGRATIONS);
      sql.exec(
        "INSERT OR IGNORE INTO meta (id, config, next_position, last_arrival) VALUES (1, ?, 1, 0)",
        JSON.stringify(config),
      );
    });
    this.#load();
  }

  /** Deletes everything the shard holds. Later calls answer `{ gone: true }`. */
  async drop(): Promise<void> {
    this.#state = undefined;
    this.#alarmAt = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /**
   * Appends a batch in one transaction and returns each record's sequence
   * number, in order.
   */
  async append(entries: AppendEntry[]): Promise<AppendResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    if (state.status === "CLOSED") return { closed: true };
    const sql = this.ctx.storage.sql;
    // Arrival times never go backwards, so AT_TIMESTAMP reads stay in order.
    const arrival = Math.max(this.clock(), state.lastArrival);
    const first = state.nextPosition;
    this.ctx.storage.transactionSync(() => {
      let position = first;
      for (const entry of entries) {
        const size = entry.data.byteLength;
        if (size <= INLINE_LIMIT) {
          sql.exec(
            "INSERT INTO records (position, arrival, partition_key, explicit_hash_key, size, data) VALUES (?, ?, ?, ?, ?, ?)",
            position,
            arrival,
            entry.partitionKey,
            entry.explicitHashKey ?? null,
            size,
            entry.data,
          );
        } else {
          let chunk = 0;
          for (let offset = 0; offset < size; offset += INLINE_LIMIT, chunk++) {
            sql.exec(
              "INSERT INTO record_chunks (position, chunk, data) VALUES (?, ?, ?)",
              position,
              chunk,
              entry.data.subarray(offset, Math.min(size, offset + INLINE_LIMIT)),
            );
          }
          sql.exec(
            "INSERT INTO records (position, arrival, partition_key, explicit_hash_key, size, data, chunks) VALUES (?, ?, ?, ?, ?, NULL, ?)",
            position,
            arrival,
            entry.partitionKey,
            entry.explicitHashKey ?? null,
            size,
            chunk,
          );
        }
        position++;
      }
      sql.exec(
        "UPDATE meta SET next_position = ?, last_arrival = ? WHERE id = 1",
        position,
        arrival,
      );
    });
    state.nextPosition = first + entries.length;
    state.lastArrival = arrival;
    await this.#scheduleTrim(arrival);
    const { epoch, shardIndex } = state.config;
    return {
      sequenceNumbers: entries.map((_, i) =>
        formatSequenceNumber({ epoch, shardIndex, position: BigInt(first + i) }),
      ),
    };
  }

  /** Issues a shard iterator (GetShardIterator). */
  async iterator(request: IteratorRequest): Promise<IteratorResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    const position = this.#startPosition(state, request);
    if (typeof position !== "number") return { error: position };
    return { iterator: await this.#sign(state, position) };
  }

  #startPosition(state: ShardState, request: IteratorRequest): number | WireError {
    const { config } = state;
    switch (request.type) {
      case "TRIM_HORIZON":
        return 0;
      case "LATEST":
        return state.status === "CLOSED" && state.endingPosition !== null
          ? state.endingPosition + 1
          : state.nextPosition;
      case "AT_TIMESTAMP": {
        const at = request.timestamp ?? 0;
        const now = this.clock();
        if (!(at <= now)) {
          // AWS's wording for a timestamp in the future.
          return {
            type: "InvalidArgumentException",
            message: `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${at}, currentTimestampInMillis: ${now}`,
          };
        }
        const row = this.ctx.storage.sql
          .exec<{ position: number }>(
            "SELECT position FROM records WHERE arrival >= ? ORDER BY arrival, position LIMIT 1",
            Math.max(at, this.#cutoff(state)),
          )
          .toArray()[0];
        return row ? row.position : state.nextPosition;
      }
      case "AT_SEQUENCE_NUMBER":
      case "AFTER_SEQUENCE_NUMBER": {
        const text = request.sequenceNumber ?? "";
        const where = `used in GetShardIterator on shard ${config.shardId} in stream ${config.streamName} under account ${config.account}`;
        const parts = parseSequenceNumber(text);
        // The wording of these three errors is AWS's.
        if (!parts) {
          return {
            type: "InvalidArgumentException",
            message: `StartingSequenceNumber ${text} ${where} is invalid.`,
          };
        }
        if (parts.shardIndex !== config.shardIndex) {
          return {
            type: "InvalidArgumentException",
            message: `Invalid StartingSequenceNumber. It encodes ${formatShardId(parts.shardIndex)}, while it was used in a call to a shard with ${config.shardId}`,
          };
        }
        if (parts.epoch !== config.epoch) {
          return {
            type: "InvalidArgumentException",
            message: `StartingSequenceNumber ${text} ${where} is invalid because it did not come from this stream.`,
          };
        }
        const position = Number(parts.position);
        return request.type === "AT_SEQUENCE_NUMBER" ? position : position + 1;
      }
    }
  }

  /** Reads from an iterator (GetRecords): at most `limit` records and 10 MiB of data. */
  async read(token: string, limit: number): Promise<ReadResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    const claims = await state.signer.verify(token);
    const { config } = state;
    if (
      !claims ||
      claims.incarnation !== config.incarnation ||
      claims.shardIndex !== config.shardIndex ||
      claims.streamName !== config.streamName
    ) {
      return { error: { type: "InvalidArgumentException", message: "Invalid ShardIterator." } };
    }
    const now = this.clock();
    if (now - claims.issuedAt > ITERATOR_LIFETIME_MS) {
      // AWS's wording, Java date formats included.
      return {
        error: {
          type: "ExpiredIteratorException",
          message: `Iterator expired. The iterator was created at time ${javaDate(claims.issuedAt)} while right now it is ${javaDate(now)} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds.`,
        },
      };
    }

    const start = Number(claims.position);
    const end =
      state.status === "CLOSED" && state.endingPosition !== null
        ? state.endingPosition
        : Number.MAX_SAFE_INTEGER;
    const records: StoredRecord[] = [];
    let bytes = 0;
    let next = start;
    let lastArrival: number | undefined;
    const cursor = this.ctx.storage.sql.exec<RecordRow>(
      "SELECT position, arrival, partition_key, size, data, chunks FROM records WHERE position >= ? AND position <= ? AND arrival >= ? ORDER BY position LIMIT ?",
      start,
      end,
      this.#cutoff(state, now),
      limit,
    );
    for (const row of cursor) {
      if (records.length > 0 && bytes + row.size > MAX_GET_RECORDS_BYTES) break;
      bytes += row.size;
      records.push({
        sequenceNumber: formatSequenceNumber({
          epoch: config.epoch,
          shardIndex: config.shardIndex,
          position: BigInt(row.position),
        }),
        arrival: row.arrival,
        partitionKey: row.partition_key,
        data: row.data ? new Uint8Array(row.data) : this.#readChunks(row.position, row.size),
      });
      next = row.position + 1;
      lastArrival = row.arrival;
    }

    const tip = state.nextPosition;
    const caughtUp = next >= tip;
    const millisBehindLatest = caughtUp
      ? 0
      : Math.max(0, now - (lastArrival ?? this.#arrivalAt(next) ?? now));
    const finished =
      state.status === "CLOSED" && state.endingPosition !== null && next > state.endingPosition;
    return {
      records,
      nextIterator: finished ? null : await this.#sign(state, next),
      millisBehindLatest,
    };
  }

  #readChunks(position: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    let offset = 0;
    for (const chunk of this.ctx.storage.sql.exec<{ data: ArrayBuffer }>(
      "SELECT data FROM record_chunks WHERE position = ? ORDER BY chunk",
      position,
    )) {
      out.set(new Uint8Array(chunk.data), offset);
      offset += chunk.data.byteLength;
    }
    return out;
  }

  #arrivalAt(position: number): number | undefined {
    return this.ctx.storage.sql
      .exec<{ arrival: number }>(
        "SELECT arrival FROM records WHERE position >= ? ORDER BY position LIMIT 1",
        position,
      )
      .toArray()[0]?.arrival;
  }

  /** Records that arrived before this are past retention. */
  #cutoff(state: ShardState, now = this.clock()): number {
    return now - state.config.retentionHours * HOUR_MS;
  }

  #sign(state: ShardState, position: number): Promise<string> {
    const { config } = state;
    return state.signer.sign({
      issuedAt: this.clock(),
      position: BigInt(position),
      shardIndex: config.shardIndex,
      incarnation: config.incarnation,
      streamName: config.streamName,
    });
  }

  /** Makes sure an alarm will trim the oldest record when it expires. */
  async #scheduleTrim(oldestArrival: number): Promise<void> {
    const state = this.#state;
    if (!state || this.#alarmAt !== null) return;
    const at = oldestArrival + state.config.retentionHours * HOUR_MS;
    this.#alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /** Deletes records past retention, then schedules the next trim. */
  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    const state = this.#state;
    if (!state) return;
    this.trim();
    const oldest = this.ctx.storage.sql
      .exec<{ arrival: number }>("SELECT arrival FROM records ORDER BY position LIMIT 1")
      .toArray()[0];
    if (oldest) await this.#scheduleTrim(oldest.arrival);
  }

  /** Deletes every record past retention now; returns how many went. */
  trim(): number {
    const state = this.#state;
    if (!state) return 0;
    const cutoff = this.#cutoff(state);
    const sql = this.ctx.storage.sql;
    let deleted = 0;
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        "DELETE FROM record_chunks WHERE position IN (SELECT position FROM records WHERE arrival < ? AND chunks > 0)",
        cutoff,
      );
      deleted = sql.exec("DELETE FROM records WHERE arrival < ?", cutoff).rowsWritten;
    });
    return deleted;
  }

  /** How many records the shard holds (for tests and the console). */
  count(): number {
    if (!this.#state) return 0;
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM records").one().n;
  }
}
