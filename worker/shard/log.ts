/**
 * The shard's ordered log: appending a batch and reading from a position.
 *
 * - Appends take one SQLite transaction per call, whatever the batch size, and
 *   pack the batch into segments of about 1 MiB (segment.ts): usually one row.
 * - Positions rise strictly and are never reused, even after trimming: the
 *   counter lives in `meta`, written in the same transaction as the records.
 * - Reads never return records past retention.
 */
import { MAX_GET_RECORDS_BYTES } from "../../src/kinesis/constraints.js";
import type { Appended, ReadOutput, RecordRun } from "./contract.js";
import { observeDemand } from "./demand.js";
import { positionOf, sign } from "./iterators.js";
import { admitRead, chargeRead, refusedWrites } from "./limits.js";
import { cutoff, scheduleTrim } from "./retention.js";
import { firstRecords, HEADER_BYTES, type PackedSegment, walk } from "./segment.js";
import { endingOf, type ShardState } from "./state.js";
import type { ShardStore } from "./store.js";

/**
 * SQLite in a Durable Object caps a row at 2 MB; a segment body above this is
 * stored in segment_chunks of this size. Segments of several records stay under
 * 1 MiB (segment.ts), so only a record of more than 1.5 MiB is chunked.
 */
const INLINE_LIMIT = 1536 * 1024;

/**
 * The first position of the segment that holds position ?1 (or, past the tip,
 * of the newest segment). Segments are contiguous and keyed by their first
 * position, so this is one seek on the primary key; a bound written as
 * `last_position >= ?` instead would scan every older segment.
 */
const SEGMENT_HOLDING =
  "IFNULL((SELECT first_position FROM segments WHERE first_position <= ?1 ORDER BY first_position DESC LIMIT 1), 0)";

interface SegmentRow {
  first_position: number;
  last_position: number;
  arrival: number;
  body: ArrayBuffer | null;
  [key: string]: SqlStorageValue;
}

/** An append's answer, and the runs it wrote, for the subscribers (subscribers.ts). */
export interface AppendResult {
  readonly appended: Appended;
  readonly runs: RecordRun[];
}

/**
 * Appends a batch of an open shard in one transaction and returns each
 * record's sequence number, in order: all of the batch, or under throughput
 * limits its first records.
 */
export async function appendTo(
  store: ShardStore,
  state: ShardState,
  offered: readonly PackedSegment[],
): Promise<AppendResult> {
  const now = store.clock();
  if (state.onDemand) observeDemand(store, state.demand, state.config, offered, now);
  let segments = offered;
  const throttled = refusedWrites(store, state, offered, now);
  if (throttled > 0) {
    const admitted = offered.reduce((n, segment) => n + segment.count, 0) - throttled;
    if (admitted === 0) return { appended: { sequenceNumbers: [], throttled }, runs: [] };
    segments = firstRecords(offered, admitted);
  }
  const { sql } = store;
  // Arrival times never go backwards, so AT_TIMESTAMP reads stay in order.
  const arrival = Math.max(now, state.lastArrival);
  const first = state.nextPosition;
  let total = 0;
  const runs: RecordRun[] = [];
  store.storage.transactionSync(() => {
    for (const segment of segments) {
      const position = first + total;
      total += segment.count;
      runs.push({ firstPosition: position, arrival, count: segment.count, body: segment.body });
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
  await scheduleTrim(store, state, arrival);
  return {
    appended: {
      sequenceNumbers: Array.from({ length: total }, (_, i) => state.formatSequence(first + i)),
      throttled,
    },
    runs,
  };
}

/** Reads from an iterator (GetRecords): at most `limit` records and 10 MiB of data. */
export async function readFrom(
  store: ShardStore,
  state: ShardState,
  token: string,
  limit: number,
): Promise<ReadOutput> {
  const now = store.clock();
  const start = positionOf(state, token, now);
  admitRead(store, state, now);
  const read = readRange(store, state, start, limit, MAX_GET_RECORDS_BYTES, now);
  chargeRead(store, state, read.bytes, now);
  const { config } = state;
  const millisBehindLatest = behindLatest(store, state, read, now);
  // A closed shard read up to its end (nothing was left unread for lack of
  // room) has no next iterator; its children take over.
  if (state.status === "CLOSED" && !read.stoppedEarly) {
    return {
      runs: read.runs,
      epoch: config.epoch,
      nextIterator: null,
      millisBehindLatest,
      childShards: state.children,
    };
  }
  return {
    runs: read.runs,
    epoch: config.epoch,
    nextIterator: await sign(store, state, read.next),
    millisBehindLatest,
  };
}

/** What one pass over the log from a position found. */
export interface RangeRead {
  readonly runs: RecordRun[];
  /** The position after the last record read. */
  readonly next: number;
  readonly records: number;
  /** Data bytes read. */
  readonly bytes: number;
  /** Arrival time of the last record read. */
  readonly lastArrival: number | undefined;
  /** Records were left unread for lack of room (`limit` or `maxBytes`). */
  readonly stoppedEarly: boolean;
}

/**
 * Reads the log from `start`, within retention and up to a closed shard's
 * end: at most `limit` records and `maxBytes` of data, but always the first
 * record, however large. GetRecords and the subscribers' catch-up read so.
 */
export function readRange(
  store: ShardStore,
  state: ShardState,
  start: number,
  limit: number,
  maxBytes: number,
  now: number,
): RangeRead {
  const end = endingOf(state) ?? Number.MAX_SAFE_INTEGER;
  const runs: RecordRun[] = [];
  let records = 0;
  let bytes = 0;
  let next = start;
  let lastArrival: number | undefined;
  let stoppedEarly = false;
  // The cursor is lazy: only the segments needed are read, starting with a
  // seek to the one that holds `start`, so a reader at the tip of a long
  // shard costs as little as one at its start.
  const cursor = store.sql.exec<SegmentRow>(
    `SELECT first_position, arrival, body FROM segments
     WHERE first_position >= ${SEGMENT_HOLDING} AND first_position <= ?2 AND arrival >= ?3
     ORDER BY first_position`,
    start,
    end,
    cutoff(store, state, now),
  );
  for (const row of cursor) {
    const body = row.body ? new Uint8Array(row.body) : readChunks(store, row.first_position);
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
      if (records >= limit || (records > 0 && bytes + size > maxBytes)) {
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
  return { runs, next, records, bytes, lastArrival, stoppedEarly };
}

/**
 * MillisBehindLatest of a reader now at `read.next`: 0 at the tip, else how
 * long ago the oldest record it has not read yet arrived.
 */
export function behindLatest(
  store: ShardStore,
  state: ShardState,
  read: Pick<RangeRead, "next" | "lastArrival">,
  now: number,
): number {
  if (read.next >= state.nextPosition) return 0;
  return Math.max(0, now - (read.lastArrival ?? arrivalAt(store, read.next) ?? now));
}

/** How many records the shard holds (for tests and the console). */
export function recordCount(store: ShardStore): number {
  return (
    store.sql
      .exec<{ n: number | null }>(
        "SELECT SUM(last_position - first_position + 1) AS n FROM segments",
      )
      .one().n ?? 0
  );
}

/** The body of a segment stored in chunks. */
function readChunks(store: ShardStore, firstPosition: number): Uint8Array {
  const chunks = store.sql
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

/** The arrival time of the record at `position`, if the log holds it. */
function arrivalAt(store: ShardStore, position: number): number | undefined {
  return store.sql
    .exec<{ arrival: number }>(
      `SELECT arrival FROM segments WHERE first_position >= ${SEGMENT_HOLDING} AND last_position >= ?1
       ORDER BY first_position LIMIT 1`,
      position,
    )
    .toArray()[0]?.arrival;
}
