/**
 * One shard of one stream incarnation: a Durable Object with SQLite storage
 * that owns the shard's ordered log.
 *
 * - Appends take one SQLite transaction per call, whatever the batch size, and
 *   pack the batch into segments of about 1 MiB (segment.ts): usually one row.
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
import type { ChildShard } from "../../src/kinesis/model.js";
import {
  formatShardId,
  parseSequenceNumber,
  sequenceNumberFormatter,
} from "../../src/kinesis/sequence-number.js";
import { parseIterator } from "../../src/kinesis/shard-iterator.js";
import { SHARD_QUOTAS, ShardThrottle } from "../../src/kinesis/throughput.js";
import { IteratorSigner } from "../iterators/signer.js";
import { hasTable, migrate } from "../storage/migrate.js";
import { controlStub } from "../stubs.js";
import { SHARD_MIGRATIONS } from "./schema.js";
import { firstRecords, HEADER_BYTES, type PackedSegment, recordSizes, walk } from "./segment.js";
import type {
  AppendResult,
  CloseResult,
  IteratorRequest,
  IteratorResult,
  ReadResult,
  RecordRun,
  ShardConfig,
  WireError,
} from "./types.js";

/**
 * SQLite in a Durable Object caps a row at 2 MB; a segment body above this is
 * stored in segment_chunks of this size. Segments of several records stay under
 * 1 MiB (segment.ts), so only a record of more than 1.5 MiB is chunked.
 */
export const INLINE_LIMIT = 1536 * 1024;
const HOUR_MS = 60 * 60 * 1000;
/** On-demand scaling: how long a shard measures its load before it decides, unless ON_DEMAND_SCALE_MS says. */
const DEFAULT_SCALE_WINDOW_MS = 10_000;
/** On-demand scaling: a shard that ran at this share of its write quota over a window asks to be split. */
const SCALE_UP_UTILIZATION = 0.5;

/**
 * The first position of the segment that holds position ?1 (or, past the tip,
 * of the newest segment). Segments are contiguous and keyed by their first
 * position, so this is one seek on the primary key; a bound written as
 * `last_position >= ?` instead would scan every older segment.
 */
const SEGMENT_HOLDING =
  "IFNULL((SELECT first_position FROM segments WHERE first_position <= ?1 ORDER BY first_position DESC LIMIT 1), 0)";

interface ShardState {
  config: ShardConfig;
  formatSequence: (position: number) => string;
  nextPosition: number;
  lastArrival: number;
  status: "OPEN" | "CLOSED";
  endingPosition: number | null;
  /** The shards that continue this one, once it is closed. */
  children: ChildShard[];
  /** The stream is ON_DEMAND: this shard asks to be split when it runs hot. */
  onDemand: boolean;
  signer: IteratorSigner;
}

interface SegmentRow {
  first_position: number;
  last_position: number;
  arrival: number;
  body: ArrayBuffer | null;
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

  /**
   * Whether the shard enforces its throughput limits (src/kinesis/throughput.ts):
   * on unless KINESIS_LIMITS is "off". Tests switch it through `runInDurableObject`.
   */
  limited: boolean;
  #throttle: ShardThrottle | undefined;
  /** Writes offered since `since` (ms), for on-demand scaling. */
  #demand = { since: 0, bytes: 0, records: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limited = env.KINESIS_LIMITS !== "off";
    ctx.blockConcurrencyWhile(async () => {
      // A dropped or never-created shard has no tables; creating them here
      // would give storage back to an object that must stay empty.
      if (!hasTable(ctx.storage.sql, "meta")) return;
      migrate(ctx.storage.sql, SHARD_MIGRATIONS);
      this.#load();
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** The shard's token buckets; they start full when the object starts. */
  #buckets(): ShardThrottle {
    this.#throttle ??= new ShardThrottle(this.clock());
    return this.#throttle;
  }

  /** AWS's words for a shard over its write or GetShardIterator limit. */
  #rateExceeded(config: ShardConfig): WireError {
    return {
      type: "ProvisionedThroughputExceededException",
      message: `Rate exceeded for shard ${config.shardId} in stream ${config.streamName} under account ${config.account}.`,
    };
  }

  #load(): void {
    const row = this.ctx.storage.sql
      .exec<{
        config: string;
        next_position: number;
        last_arrival: number;
        status: string;
        ending_position: number | null;
        children: string | null;
        on_demand: number;
      }>(
        "SELECT config, next_position, last_arrival, status, ending_position, children, on_demand FROM meta WHERE id = 1",
      )
      .toArray()[0];
    if (!row) {
      this.#state = undefined;
      return;
    }
    const config = JSON.parse(row.config) as ShardConfig;
    // Appends do not touch `meta`: the newest segment says where the log ends.
    // `meta` keeps the counter for when trimming has removed every segment.
    const newest = this.ctx.storage.sql
      .exec<{ last_position: number; arrival: number }>(
        "SELECT last_position, arrival FROM segments ORDER BY first_position DESC LIMIT 1",
      )
      .toArray()[0];
    this.#state = {
      config,
      formatSequence: sequenceNumberFormatter(config.epoch, config.shardIndex),
      nextPosition: Math.max(row.next_position, (newest?.last_position ?? 0) + 1),
      lastArrival: Math.max(row.last_arrival, newest?.arrival ?? 0),
      status: row.status === "CLOSED" ? "CLOSED" : "OPEN",
      endingPosition: row.ending_position,
      children: row.children ? (JSON.parse(row.children) as ChildShard[]) : [],
      onDemand: row.on_demand === 1,
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
        "INSERT OR IGNORE INTO meta (id, config, next_position, last_arrival, on_demand) VALUES (1, ?, 1, 0, ?)",
        JSON.stringify(config),
        config.onDemand === true ? 1 : 0,
      );
    });
    this.#load();
  }

  /** UpdateStreamMode: whether this shard scales itself from now on. */
  async setOnDemand(onDemand: boolean): Promise<void> {
    const state = this.#state;
    if (!state) return;
    state.onDemand = onDemand;
    this.ctx.storage.sql.exec("UPDATE meta SET on_demand = ? WHERE id = 1", onDemand ? 1 : 0);
  }

  /**
   * On-demand scaling, the shard's half: it measures the writes offered to it
   * (throttled ones included) over windows of ON_DEMAND_SCALE_MS, and when a
   * window's rate reaches half of its write quota it asks the control plane to
   * split it. A stream so keeps room for twice the peak it has seen, as AWS
   * documents for on-demand streams, and throttles only when traffic more than
   * doubles faster than it splits.
   */
  #observeDemand(state: ShardState, segments: readonly PackedSegment[], now: number): void {
    const window = this.#demand;
    for (const segment of segments) {
      window.records += segment.count;
      window.bytes += segment.body.byteLength - HEADER_BYTES * segment.count;
    }
    const span = Math.max(1, Number(this.env.ON_DEMAND_SCALE_MS) || DEFAULT_SCALE_WINDOW_MS);
    const elapsed = now - window.since;
    if (elapsed < span) return;
    const utilization = Math.max(
      (window.bytes * 1000) / elapsed / SHARD_QUOTAS.writeBytesPerSecond,
      (window.records * 1000) / elapsed / SHARD_QUOTAS.writeRecordsPerSecond,
    );
    this.#demand = { since: now, bytes: 0, records: 0 };
    if (utilization < SCALE_UP_UTILIZATION) return;
    const { config } = state;
    const asked = controlStub(this.env, config.account, config.region)
      .scaleUp(
        { account: config.account, region: config.region },
        config.streamName,
        config.incarnation,
        config.shardId,
      )
      .catch(() => {});
    this.ctx.waitUntil(asked);
  }

  /** Deletes everything the shard holds. Later calls answer `{ gone: true }`. */
  async drop(): Promise<void> {
    this.#state = undefined;
    this.#alarmAt = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /**
   * Closes the shard to writes (SplitShard, MergeShards, UpdateShardCount):
   * its log ends at the last position written, and `children` continue it.
   * Appends run whole between two calls, so every append acknowledged before
   * this is in the log and every later one is refused as closed. Closing a
   * closed shard answers its ending again.
   */
  async close(children: ChildShard[]): Promise<CloseResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    if (state.status === "CLOSED" && state.endingPosition !== null) {
      return { endingPosition: state.endingPosition };
    }
    const endingPosition = state.nextPosition - 1;
    this.ctx.storage.sql.exec(
      "UPDATE meta SET status = 'CLOSED', ending_position = ?, children = ?, next_position = ? WHERE id = 1",
      endingPosition,
      JSON.stringify(children),
      state.nextPosition,
    );
    state.status = "CLOSED";
    state.endingPosition = endingPosition;
    state.children = children;
    return { endingPosition };
  }

  /**
   * Appends a batch in one transaction and returns each record's sequence
   * number, in order.
   */
  async append(segments: readonly PackedSegment[]): Promise<AppendResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    if (state.status === "CLOSED") return { closed: true };
    const now = this.clock();
    if (state.onDemand) this.#observeDemand(state, segments, now);
    let throttled = 0;
    if (this.limited) {
      const sizes = recordSizes(segments);
      const admitted = this.#buckets().admitWrites(sizes, now);
      if (admitted < sizes.length) {
        throttled = sizes.length - admitted;
        segments = firstRecords(segments, admitted);
        if (admitted === 0) return { sequenceNumbers: [], throttled };
      }
    }
    const sql = this.ctx.storage.sql;
    // Arrival times never go backwards, so AT_TIMESTAMP reads stay in order.
    const arrival = Math.max(now, state.lastArrival);
    const first = state.nextPosition;
    let total = 0;
    this.ctx.storage.transactionSync(() => {
      for (const segment of segments) {
        const position = first + total;
        total += segment.count;
        const inline = segment.body.byteLength <= INLINE_LIMIT;
        sql.exec(
          "INSERT INTO segments (first_position, last_position, arrival, data_bytes, body) VALUES (?, ?, ?, ?, ?)",
          position,
          position + segment.count - 1,
          arrival,
          segment.dataBytes,
          inline ? segment.body : null,
        );
        if (!inline) {
          for (
            let offset = 0, chunk = 0;
            offset < segment.body.byteLength;
            offset += INLINE_LIMIT, chunk++
          ) {
            sql.exec(
              "INSERT INTO segment_chunks (first_position, chunk, data) VALUES (?, ?, ?)",
              position,
              chunk,
              segment.body.subarray(offset, offset + INLINE_LIMIT),
            );
          }
        }
      }
    });
    state.nextPosition = first + total;
    state.lastArrival = arrival;
    await this.#scheduleTrim(arrival);
    return {
      sequenceNumbers: Array.from({ length: total }, (_, i) => state.formatSequence(first + i)),
      throttled,
    };
  }

  /** Issues a shard iterator (GetShardIterator). */
  async iterator(request: IteratorRequest): Promise<IteratorResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    const position = this.#startPosition(state, request);
    if (typeof position !== "number") return { error: position };
    if (this.limited && !this.#buckets().admitIterator(this.clock())) {
      return { error: this.#rateExceeded(state.config) };
    }
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
            "SELECT first_position AS position FROM segments WHERE arrival >= ? ORDER BY arrival, first_position LIMIT 1",
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

  /**
   * Reads from an iterator (GetRecords): at most `limit` records and 10 MiB of
   * data. The Worker has already checked the iterator's MAC before naming this
   * object (actions/get-records.ts), so here it is only parsed and matched
   * against this shard: one HMAC per read, not two.
   */
  async read(token: string, limit: number): Promise<ReadResult> {
    const state = this.#state;
    if (!state) return { gone: true };
    const claims = parseIterator(token);
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
    if (this.limited && !this.#buckets().admitRead(now)) {
      // GetRecords words it differently from the other operations.
      return {
        error: {
          type: "ProvisionedThroughputExceededException",
          message: `Rate exceeded for Shard - ${config.account}/${config.streamName}/${config.shardId}`,
        },
      };
    }

    const start = Number(claims.position);
    const end =
      state.status === "CLOSED" && state.endingPosition !== null
        ? state.endingPosition
        : Number.MAX_SAFE_INTEGER;
    const runs: RecordRun[] = [];
    let records = 0;
    let bytes = 0;
    let next = start;
    let lastArrival: number | undefined;
    let stoppedEarly = false;
    // The cursor is lazy: only the segments needed are read, starting with a
    // seek to the one that holds `start`, so a reader at the tip of a long
    // shard costs as little as one at its start.
    const cursor = this.ctx.storage.sql.exec<SegmentRow>(
      `SELECT first_position, arrival, body FROM segments
       WHERE first_position >= ${SEGMENT_HOLDING} AND first_position <= ?2 AND arrival >= ?3
       ORDER BY first_position`,
      start,
      end,
      this.#cutoff(state, now),
    );
    for (const row of cursor) {
      const body = row.body ? new Uint8Array(row.body) : this.#readChunks(row.first_position);
      const from = Math.max(0, start - row.first_position);
      let first = -1;
      let count = 0;
      let startOffset = 0;
      let endOffset = 0;
      let full = false;
      walk(body, (index, keyStart, dataStart, recordEnd) => {
        if (index < from) return true;
        const size = recordEnd - dataStart;
        const position = row.first_position + index;
        // Segments end where a close ended the log, so none runs past `end`.
        if (position > end) return false;
        if (records >= limit || (records > 0 && bytes + size > MAX_GET_RECORDS_BYTES)) {
          full = true;
          return false;
        }
        if (first < 0) {
          first = position;
          startOffset = keyStart - HEADER_BYTES;
        }
        endOffset = recordEnd;
        count++;
        records++;
        bytes += size;
        return true;
      });
      if (count > 0) {
        runs.push({
          firstPosition: first,
          arrival: row.arrival,
          count,
          // Only the records read cross the call; a whole segment goes as it is.
          body:
            startOffset === 0 && endOffset === body.byteLength
              ? body
              : body.slice(startOffset, endOffset),
        });
        next = first + count;
        lastArrival = row.arrival;
      }
      if (full) {
        stoppedEarly = true;
        break;
      }
    }

    if (this.limited) this.#buckets().chargeRead(bytes, now);
    const tip = state.nextPosition;
    const caughtUp = next >= tip;
    const millisBehindLatest = caughtUp
      ? 0
      : Math.max(0, now - (lastArrival ?? this.#arrivalAt(next) ?? now));
    // A closed shard read up to its end (nothing was left unread for lack of
    // room) has no next iterator; its children take over.
    const finished = state.status === "CLOSED" && !stoppedEarly;
    if (finished) {
      return {
        runs,
        epoch: config.epoch,
        nextIterator: null,
        millisBehindLatest,
        childShards: state.children,
      };
    }
    return {
      runs,
      epoch: config.epoch,
      nextIterator: await this.#sign(state, next),
      millisBehindLatest,
    };
  }

  /** The body of a segment stored in chunks. */
  #readChunks(firstPosition: number): Uint8Array {
    const chunks = this.ctx.storage.sql
      .exec<{ data: ArrayBuffer }>(
        "SELECT data FROM segment_chunks WHERE first_position = ? ORDER BY chunk",
        firstPosition,
      )
      .toArray();
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.data.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(new Uint8Array(chunk.data), offset);
      offset += chunk.data.byteLength;
    }
    return out;
  }

  #arrivalAt(position: number): number | undefined {
    return this.ctx.storage.sql
      .exec<{ arrival: number }>(
        `SELECT arrival FROM segments WHERE first_position >= ${SEGMENT_HOLDING} AND last_position >= ?1
         ORDER BY first_position LIMIT 1`,
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

  /**
   * Changes the stream's retention (Increase/DecreaseStreamRetentionPeriod).
   * What the old retention already let expire is deleted first, so a longer
   * retention never brings it back; then the new one applies at once.
   */
  async setRetention(hours: number): Promise<void> {
    const state = this.#state;
    if (!state) return;
    this.trim();
    state.config = { ...state.config, retentionHours: hours };
    this.ctx.storage.sql.exec(
      "UPDATE meta SET config = ? WHERE id = 1",
      JSON.stringify(state.config),
    );
    this.trim();
    // The oldest record now expires at another time.
    this.#alarmAt = null;
    await this.ctx.storage.deleteAlarm();
    const oldest = this.ctx.storage.sql
      .exec<{ arrival: number }>("SELECT arrival FROM segments ORDER BY first_position LIMIT 1")
      .toArray()[0];
    if (oldest) await this.#scheduleTrim(oldest.arrival);
  }

  /** Deletes records past retention, then schedules the next trim. */
  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    const state = this.#state;
    if (!state) return;
    this.trim();
    const oldest = this.ctx.storage.sql
      .exec<{ arrival: number }>("SELECT arrival FROM segments ORDER BY first_position LIMIT 1")
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
      deleted =
        sql
          .exec<{ n: number | null }>(
            "SELECT SUM(last_position - first_position + 1) AS n FROM segments WHERE arrival < ?",
            cutoff,
          )
          .one().n ?? 0;
      sql.exec(
        "DELETE FROM segment_chunks WHERE first_position IN (SELECT first_position FROM segments WHERE arrival < ? AND body IS NULL)",
        cutoff,
      );
      sql.exec("DELETE FROM segments WHERE arrival < ?", cutoff);
      // The newest segment may have gone with the rest; keep the counter.
      sql.exec(
        "UPDATE meta SET next_position = ?, last_arrival = ? WHERE id = 1",
        state.nextPosition,
        state.lastArrival,
      );
    });
    return deleted;
  }

  /** How many records the shard holds (for tests and the console). */
  count(): number {
    if (!this.#state) return 0;
    return (
      this.ctx.storage.sql
        .exec<{ n: number | null }>(
          "SELECT SUM(last_position - first_position + 1) AS n FROM segments",
        )
        .one().n ?? 0
    );
  }
}
