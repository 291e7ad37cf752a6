/**
 * The Worker's client of the shards: the data plane. It routes with the
 * isolate's shard map, unwraps the shards' replies, and where a shard answers
 * gone or closed (a stale map: the stream was deleted, recreated or
 * resharded) it reloads the map and retries.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import {
  KinesisError,
  recordNotWritten,
  shardMapUnsettled,
  shardNotFound,
  shardRateExceeded,
} from "../../src/kinesis/errors/index.js";
import { formatShardId } from "../../src/kinesis/sequence-number.js";
import type { IteratorClaims } from "../../src/kinesis/shard-iterator.js";
import { isGone, isStale, unwrap } from "../reply.js";
import type { AppendEntry, IteratorRequest, ReadOutput } from "../shard/contract.js";
import { pack } from "../shard/segment.js";
import { shardStub } from "../stubs.js";
import { type CachedRoute, routeOf, shardForKey } from "./shard-map.js";

/** A record ready to route: its partition key encoded once, its hash key computed once. */
export interface PreparedRecord extends AppendEntry {
  readonly hashKey: bigint;
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

/** How many fresh shard maps one write reads before it gives up. */
const MAX_MAP_RELOADS = 8;

/**
 * Appends entries to the stream's shards and returns one result per entry, in
 * order: records are grouped by shard, with one append call per shard, in
 * parallel (each one SQLite transaction). A shard that turns out gone or
 * closed (a stale map) makes the entries it refused retry with a fresh map;
 * entries already appended are not resent. A shard over its throughput limit
 * appends only the first of its entries; the rest get a
 * ProvisionedThroughputExceededException result each.
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
    if (attempt > MAX_MAP_RELOADS) throw shardMapUnsettled();
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
        const reply = await shardStub(env, current.incarnation, group.shardId).append(
          pack(group.batch),
        );
        if (isStale(reply)) {
          retry.push(...group.indexes);
          return;
        }
        const written = unwrap(reply).sequenceNumbers;
        let refused: WriteFailure | undefined;
        group.indexes.forEach((index, k) => {
          const sequenceNumber = written[k];
          if (sequenceNumber !== undefined) {
            results[index] = { ShardId: group.shardId, SequenceNumber: sequenceNumber };
            return;
          }
          refused ??= writeFailure(shardRateExceeded(group.shardId, streamName, scope.account));
          results[index] = refused;
        });
      }),
    );
    pending = retry.sort((a, b) => a - b);
  }
  return results.map((r) => {
    if (!r) throw recordNotWritten();
    return r;
  });
}

function writeFailure(error: KinesisError): WriteFailure {
  return { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: error.message };
}

/**
 * A shard iterator from the shard of `index`. A shard the cached map does not
 * have yet (a reshard opened it), or one that answers gone (the stream was
 * recreated), is looked up once more in a fresh map. `beforeCall` runs once
 * the shard is known to exist: AWS checks the iterator type's parameters only
 * then.
 */
export async function shardIterator(
  env: Env,
  scope: Scope,
  streamName: string,
  index: number,
  request: IteratorRequest,
  beforeCall: () => void,
): Promise<string> {
  const notFound = () => shardNotFound(formatShardId(index), streamName, scope.account);
  for (let attempt = 0; attempt < 2; attempt++) {
    let route: CachedRoute;
    try {
      route = await routeOf(env, scope, streamName, { refresh: attempt > 0 });
    } catch (error) {
      // AWS names the shard, not the stream, when the stream does not exist.
      if (error instanceof KinesisError && error.type === "ResourceNotFoundException") {
        throw notFound();
      }
      throw error;
    }
    const shard = route.shards.find((s) => s.shardIndex === index);
    if (!shard) continue;
    beforeCall();
    const reply = await shardStub(env, route.incarnation, shard.shardId).iterator(request);
    if (isGone(reply)) continue;
    return unwrap(reply);
  }
  throw notFound();
}

/**
 * GetRecords from the shard an iterator names; the caller has checked the
 * iterator's MAC. A shard that is gone is not found, in AWS's words.
 */
export async function readShard(
  env: Env,
  scope: Scope,
  claims: IteratorClaims,
  token: string,
  limit: number,
): Promise<ReadOutput> {
  const shardId = formatShardId(claims.shardIndex);
  const reply = await shardStub(env, claims.incarnation, shardId).read(token, limit);
  if (isGone(reply)) throw shardNotFound(shardId, claims.streamName, scope.account);
  return unwrap(reply);
}
