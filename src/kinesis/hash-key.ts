/**
 * The 128-bit hash key space. A record's hash key is its ExplicitHashKey, or
 * the MD5 of its partition key read as an unsigned big-endian integer; the
 * shard whose [start, end] range holds it receives the record.
 */
import { md5Words } from "./md5.js";

/** 2^128 - 1, the top of the hash key space. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

const encoder = new TextEncoder();

/**
 * The hash key of a partition key.
 *
 * @example
 * partitionKeyHash("a"); // 0x0cc175b9c0f1b6a831c399e269772661n
 */
export function partitionKeyHash(partitionKey: string): bigint {
  return keyBytesHash(encoder.encode(partitionKey));
}

/** The digest's bytes, reused: one hash per record on the PutRecords hot path. */
const digestView = new DataView(new ArrayBuffer(16));

/** The hash key of a partition key already encoded as UTF-8. */
export function keyBytesHash(utf8: Uint8Array): bigint {
  const words = md5Words(utf8);
  for (let i = 0; i < 4; i++) digestView.setInt32(i * 4, words[i] as number, true);
  return (digestView.getBigUint64(0) << 64n) | digestView.getBigUint64(8);
}

/** An inclusive range of hash keys, as ListShards reports it. */
export interface HashKeyRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Splits the whole space into `count` contiguous ranges of near-equal size,
 * as CreateStream does: each takes floor(space / count) keys and the last
 * also takes the remainder, matching the ranges AWS assigns.
 *
 * @example
 * evenRanges(2); // [{start: 0n, end: 2n**127n - 1n}, {start: 2n**127n, end: 2n**128n - 1n}]
 */
export function evenRanges(count: number, start = 0n, end = MAX_HASH_KEY): HashKeyRange[] {
  const total = end - start + 1n;
  const n = BigInt(count);
  const size = total / n;
  const ranges: HashKeyRange[] = [];
  for (let i = 0n; i < n; i++) {
    const first = start + i * size;
    ranges.push({ start: first, end: i === n - 1n ? end : first + size - 1n });
  }
  return ranges;
}

/**
 * The index of the range holding `key`, by binary search over ranges sorted by
 * start; -1 when none does.
 */
export function findRange(ranges: readonly HashKeyRange[], key: bigint): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = ranges[mid];
    if (!range) break;
    if (key < range.start) hi = mid - 1;
    else if (key > range.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
