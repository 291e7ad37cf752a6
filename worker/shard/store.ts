/**
 * What the shard's rules work over: its SQLite database and storage, its
 * environment and its clock. The host (shard.ts) holds one; its test seam
 * replaces the clock and the environment in place, so a rule reads both from
 * here at each call, never from a copy.
 */
import type { Seamed } from "../test-seam.js";

export interface ShardStore extends Seamed {
  readonly sql: SqlStorage;
  readonly storage: DurableObjectStorage;
  /** Keeps the object alive until `work` settles (a request to the control plane). */
  waitUntil(work: Promise<unknown>): void;
}
