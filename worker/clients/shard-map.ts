/**
 * The isolate's shard-map cache. Writes and reads route with it instead of
 * asking the control plane on every request. An entry is trusted until a shard
 * says it is gone or closed (the stream was deleted, recreated or resharded);
 * the caller then asks for a fresh map with `refresh: true` and retries. An
 * entry also expires after ROUTE_TTL_MS, for what no shard can check: the
 * maximum record size (UpdateMaxRecordSize in another isolate).
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { streamNotFound } from "../../src/kinesis/errors/index.js";
import { findRange, type HashKeyRange } from "../../src/kinesis/hash-key.js";
import type { Route, RouteShard } from "../control/contract.js";
import { controlPlane } from "./control.js";

/** A route with its open shards' ranges as big integers, sorted for binary search. */
export interface CachedRoute extends Route {
  readonly streamName: string;
  /** When the control plane answered (ms). */
  readonly loadedAt: number;
  readonly openRanges: readonly (HashKeyRange & { readonly shard: RouteShard })[];
}

const cache = new Map<string, Promise<CachedRoute>>();
/** Bounds the cache so an isolate that sees many streams cannot grow without limit. */
const MAX_ENTRIES = 10_000;
/** How long a cached route is used before it is loaded again. */
export const ROUTE_TTL_MS = 5_000;

function key(scope: Scope, name: string): string {
  return `${scope.account}/${scope.region}/${name}`;
}

async function load(env: Env, scope: Scope, name: string): Promise<CachedRoute> {
  const route = await controlPlane(env, scope).route(name);
  const openRanges = route.shards
    .filter((s) => s.open)
    .map((shard) => ({
      start: BigInt(shard.startingHashKey),
      end: BigInt(shard.endingHashKey),
      shard,
    }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  return { ...route, streamName: name, loadedAt: Date.now(), openRanges };
}

/**
 * The route of an ACTIVE (or UPDATING) stream, or ResourceNotFoundException.
 *
 * @example
 * const route = await routeOf(env, scope, "demo");
 * const shard = shardForKey(route, partitionKeyHash("user-1"));
 */
export async function routeOf(
  env: Env,
  scope: Scope,
  name: string,
  options: { refresh?: boolean } = {},
): Promise<CachedRoute> {
  const k = key(scope, name);
  let entry = options.refresh ? undefined : cache.get(k);
  if (!entry) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    entry = load(env, scope, name);
    cache.set(k, entry);
    // A failed load is not cached: the stream may exist on the next call.
    entry.catch(() => {
      if (cache.get(k) === entry) cache.delete(k);
    });
  }
  const route = await entry;
  if (Date.now() - route.loadedAt > ROUTE_TTL_MS) {
    // Concurrent callers share one reload: only the first drops the old entry.
    if (cache.get(k) === entry) cache.delete(k);
    return routeOf(env, scope, name);
  }
  if (Date.now() < route.activeAt) {
    // Still CREATING: writes and reads are refused, as AWS refuses them.
    cache.delete(k);
    throw streamNotFound(name, scope.account);
  }
  return route;
}

/** Drops a stream's cached map (after this isolate deleted or created it). */
export function forgetRoute(scope: Scope, name: string): void {
  cache.delete(key(scope, name));
}

/** The open shard whose hash key range holds `hashKey`. */
export function shardForKey(route: CachedRoute, hashKey: bigint): RouteShard {
  const found = route.openRanges[findRange(route.openRanges, hashKey)];
  if (!found) {
    // Open shards always cover the whole space; a gap is an internal fault.
    throw new Error(`No open shard of ${route.streamName} holds hash key ${hashKey}`);
  }
  return found.shard;
}
