/**
 * The write path shared by PutRecord and PutRecords: hash each key once,
 * group the records by shard, make one append call per shard in parallel
 * (each one SQLite transaction), and merge the answers back in request order.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { KinesisError } from "../../src/kinesis/errors.js";
import { keyBytesHash, MAX_HASH_KEY } from "../../src/kinesis/hash-key.js";
import { encodeAll } from "../../src/kinesis/utf8.js";
import { pack } from "../shard/segment.js";
import type { AppendEntry } from "../shard/types.js";
import { isClosed, isGone } from "../shard/types.js";
import { shardStub } from "../stubs.js";
import { type CachedRoute, routeOf, shardForKey } from "./routes.js";

export interface WriteEntry {
  readonly Data: Uint8Array;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

/** A record ready to route: its partition key encoded once, its hash key computed once. */
export interface PreparedRecord extends AppendEntry {
  readonly hashKey: bigint;
}

/** How many fresh shard maps one write reads before it gives up. */
const MAX_MAP_RELOADS = 8;

/** Encodes each partition key once and computes each hash key once. */
export function prepare(entries: readonly WriteEntry[]): PreparedRecord[] {
  const keys = encodeAll(entries.map((entry) => entry.PartitionKey));
  return entries.map((entry, i) => {
    const key = keys[i] as Uint8Array;
    return { key, data: entry.Data, hashKey: hashKeyOf(entry, key) };
  });
}

export interface WriteResult {
  readonly ShardId: string;
  readonly SequenceNumber: string;
}

/** An entry its shard refused, in PutRecords' per-entry error shape. */
export interface WriteFailure {
  readonly ErrorCode: "ProvisionedThroughputExceededException";
  readonly ErrorMessage: string;
}

export function isWriteFailure(result: WriteResult | WriteFailure): result is WriteFailure {
  return "ErrorCode" in result;
}

/** The hash key of an entry: its ExplicitHashKey, or the MD5 of its partition key. */
function hashKeyOf(entry: WriteEntry, utf8Key: Uint8Array): bigint {
  if (entry.ExplicitHashKey === undefined) return keyBytesHash(utf8Key);
  const key = BigInt(entry.ExplicitHashKey);
  if (key > MAX_HASH_KEY) {
    // AWS's wording.
    throw new KinesisError(
      "InvalidArgumentException",
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${entry.ExplicitHashKey}`,
    );
  }
  return key;
}

/**
 * Rejects data longer than the stream's maximum record size, in the words AWS
 * uses for the same constraint.
 */
export function checkRecordSizes(
  route: CachedRoute,
  entries: readonly AppendEntry[],
  pathOf: (i: number) => string,
): void {
  const errors: string[] = [];
  entries.forEach((entry, i) => {
    const n = entry.data.byteLength;
    if (n > route.maxRecordBytes && errors.length < 10) {
      errors.push(
        `Value 'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]' at '${pathOf(i)}' failed to satisfy constraint: Member must have length less than or equal to ${route.maxRecordBytes}`,
      );
    }
  });
  if (errors.length > 0) {
    throw new KinesisError(
      "ValidationException",
      `${errors.length} validation error${errors.length > 1 ? "s" : ""} detected: ${errors.join("; ")}`,
    );
  }
}

/**
 * Appends entries to the stream's shards and returns one result per entry, in
 * order. A shard that turns out gone or closed (a stale map) makes the entries
 * it refused retry with a fresh map; entries already appended are not resent.
 * A shard over its throughput limit appends only the first of its entries;
 * the rest get a ProvisionedThroughputExceededException result each.
 */
export async function writeRecords(
  env: Env,
  scope: Scope,
  streamName: string,
  entries: readonly PreparedRecord[],
  route: CachedRoute,
): Promise<(WriteResult | WriteFailure)[]> {
  const results: (WriteResult | WriteFailure | undefined)[] = new Array(entries.length);
  let pending = entries.map((_, i) => i);
  let current = route;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) current = await routeOf(env, scope, streamName, { refresh: true });
    // Each reshard closes shards once, and a fresh map is read only after the
    // reshard that closed them; several reshards in a row (an on-demand
    // stream splitting its hot shards one by one) can still close shards
    // under one write more than once. InternalFailure, which SDKs retry, only
    // when the map keeps changing beyond that.
    if (attempt > MAX_MAP_RELOADS)
      throw new KinesisError("InternalFailure", "The stream's shard map kept changing.", 500);
    const groups = new Map<string, { shardId: string; indexes: number[]; batch: AppendEntry[] }>();
    for (const i of pending) {
      const entry = entries[i];
      if (!entry) continue;
      const shard = shardForKey(current, entry.hashKey);
      let group = groups.get(shard.shardId);
      if (!group) {
        group = { shardId: shard.shardId, indexes: [], batch: [] };
        groups.set(shard.shardId, group);
      }
      group.indexes.push(i);
      group.batch.push(entry);
    }
    const retry: number[] = [];
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const answer = await shardStub(env, current.incarnation, group.shardId).append(
          pack(group.batch),
        );
        if (isGone(answer) || isClosed(answer)) {
          retry.push(...group.indexes);
          return;
        }
        const written = answer.sequenceNumbers;
        group.indexes.forEach((index, k) => {
          const sequenceNumber = written[k];
          results[index] =
            sequenceNumber === undefined
              ? {
                  ErrorCode: "ProvisionedThroughputExceededException",
                  // AWS's wording.
                  ErrorMessage: `Rate exceeded for shard ${group.shardId} in stream ${streamName} under account ${scope.account}.`,
                }
              : { ShardId: group.shardId, SequenceNumber: sequenceNumber };
        });
      }),
    );
    pending = retry.sort((a, b) => a - b);
  }
  return results.map((r) => {
    if (!r) throw new KinesisError("InternalFailure", "A record was not written.", 500);
    return r;
  });
}
