/**
 * Records on their way in: PutRecord's and PutRecords' entries made
 * ready to route (each partition key encoded once, each hash key computed
 * once). Records on their way out are unpacked by worker/shard/record-runs.ts.
 */
import {
  explicitHashKeyOutOfRange,
  recordTooLargeConstraint,
  validationFailed,
} from "../../src/kinesis/errors/index.js";
import { keyBytesHash, MAX_HASH_KEY } from "../../src/kinesis/hash-key.js";
import { encodeAll } from "../../src/kinesis/utf8.js";
import type { PreparedRecord } from "../clients/shards.js";

export interface WriteEntry {
  readonly Data: Uint8Array;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

/** Encodes each partition key once and computes each hash key once. */
export function prepare(entries: readonly WriteEntry[]): PreparedRecord[] {
  const keys = encodeAll(entries.map((entry) => entry.PartitionKey));
  return entries.map((entry, i) => {
    const key = keys[i] ?? new Uint8Array(0);
    return { key, data: entry.Data, hashKey: hashKeyOf(entry, key) };
  });
}

/** The hash key of an entry: its ExplicitHashKey, or the MD5 of its partition key. */
function hashKeyOf(entry: WriteEntry, utf8Key: Uint8Array): bigint {
  if (entry.ExplicitHashKey === undefined) return keyBytesHash(utf8Key);
  const key = BigInt(entry.ExplicitHashKey);
  if (key > MAX_HASH_KEY) throw explicitHashKeyOutOfRange(entry.ExplicitHashKey);
  return key;
}

/**
 * Rejects data longer than the stream's maximum record size, in the words AWS
 * uses for the same constraint (at most ten listed, as the front end lists them).
 */
export function checkRecordSizes(
  maxRecordBytes: number,
  entries: readonly PreparedRecord[],
  pathOf: (i: number) => string,
): void {
  const errors: string[] = [];
  entries.forEach((entry, i) => {
    const n = entry.data.byteLength;
    if (n > maxRecordBytes && errors.length < 10) {
      errors.push(recordTooLargeConstraint(n, pathOf(i), maxRecordBytes));
    }
  });
  if (errors.length > 0) throw validationFailed(errors);
}
