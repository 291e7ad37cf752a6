/**
 * Segments: the shard's unit of storage. An append packs its records into
 * one or more segments of consecutive positions, each one SQLite row of at
 * most about 1 MiB, so a PutRecords of 500 small records is one INSERT rather
 * than 500. All records of a segment share one arrival time, so retention and
 * AT_TIMESTAMP work on whole segments.
 *
 * A packed record is: partition key length u16 | data length u32 | partition
 * key (UTF-8) | data. A record too large for one segment gets a segment of its
 * own, whose body the shard splits into chunks (SQLite in a Durable Object caps
 * a row at 2 MB).
 */
import type { AppendEntry } from "./contract.js";

/** Bytes before each record's key: key length u16 and data length u32. */
export const HEADER_BYTES = 6;
const HEADER = HEADER_BYTES;
/** A segment closes when adding a record would take it past this many bytes. */
export const SEGMENT_TARGET = 1024 * 1024;

const decoder = new TextDecoder();

/**
 * Records packed for one row. The Worker packs a shard's group before the
 * append call, so the call carries one buffer per segment rather than an
 * object per record, and the shard stores the body as it comes.
 */
export interface PackedSegment {
  /** Number of records in the segment. */
  readonly count: number;
  /** Data bytes of those records (what throughput and GetRecords limits count). */
  readonly dataBytes: number;
  readonly body: Uint8Array;
}

export interface UnpackedRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/**
 * Packs records (partition keys already UTF-8) into segments, in order.
 *
 * @example
 * pack([{ key: new TextEncoder().encode("a"), data: new Uint8Array(3) }]); // one segment
 */
export function pack(records: readonly AppendEntry[]): PackedSegment[] {
  const segments: PackedSegment[] = [];
  let start = 0;
  let size = 0;
  let dataBytes = 0;
  const flush = (end: number) => {
    const body = new Uint8Array(size);
    const view = new DataView(body.buffer);
    let offset = 0;
    for (let i = start; i < end; i++) {
      const key = records[i]?.key ?? new Uint8Array(0);
      const data = records[i]?.data ?? new Uint8Array(0);
      view.setUint16(offset, key.byteLength);
      view.setUint32(offset + 2, data.byteLength);
      body.set(key, offset + HEADER);
      body.set(data, offset + HEADER + key.byteLength);
      offset += HEADER + key.byteLength + data.byteLength;
    }
    segments.push({ count: end - start, dataBytes, body });
    start = end;
    size = 0;
    dataBytes = 0;
  };
  for (let i = 0; i < records.length; i++) {
    const length = HEADER + (records[i]?.key.byteLength ?? 0) + (records[i]?.data.byteLength ?? 0);
    if (size > 0 && size + length > SEGMENT_TARGET) flush(i);
    size += length;
    dataBytes += records[i]?.data.byteLength ?? 0;
  }
  if (size > 0) flush(records.length);
  return segments;
}

/**
 * Walks the records of a body without copying: `visit` gets each record's
 * index and the byte offsets of its key, its data and its end, and returns
 * false to stop.
 */
export function walk(
  body: Uint8Array,
  visit: (index: number, keyStart: number, dataStart: number, end: number) => boolean,
): void {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let offset = 0;
  for (let index = 0; offset < body.byteLength; index++) {
    const keyStart = offset + HEADER;
    const dataStart = keyStart + view.getUint16(offset);
    offset = dataStart + view.getUint32(offset + 2);
    if (!visit(index, keyStart, dataStart, offset)) return;
  }
}

/**
 * Calls `visit` for each record of a body from index `from` on, until it
 * returns false. The data is a view into the body: copy it to keep it.
 */
export function unpack(
  body: Uint8Array,
  from: number,
  visit: (record: UnpackedRecord, index: number) => boolean,
): void {
  walk(body, (index, keyStart, dataStart, end) => {
    if (index < from) return true;
    return visit(
      {
        partitionKey: decoder.decode(body.subarray(keyStart, dataStart)),
        data: body.subarray(dataStart, end),
      },
      index,
    );
  });
}

/** Each record's partition key plus data bytes, in order: what write limits count. */
export function recordSizes(segments: readonly PackedSegment[]): number[] {
  const sizes: number[] = [];
  for (const segment of segments) {
    walk(segment.body, (_index, keyStart, _dataStart, end) => {
      sizes.push(end - keyStart);
      return true;
    });
  }
  return sizes;
}

/** The first `count` records of packed segments, still packed; bodies are views, not copies. */
export function firstRecords(segments: readonly PackedSegment[], count: number): PackedSegment[] {
  const out: PackedSegment[] = [];
  let left = count;
  for (const segment of segments) {
    if (left <= 0) break;
    if (segment.count <= left) {
      out.push(segment);
      left -= segment.count;
      continue;
    }
    let end = 0;
    let dataBytes = 0;
    walk(segment.body, (index, _keyStart, dataStart, recordEnd) => {
      if (index >= left) return false;
      end = recordEnd;
      dataBytes += recordEnd - dataStart;
      return true;
    });
    out.push({ count: left, dataBytes, body: segment.body.subarray(0, end) });
    left = 0;
  }
  return out;
}
