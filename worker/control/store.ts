/**
 * What the control plane's rules work over: its SQLite database and storage,
 * its environment and its clock. The host (control-plane.ts) holds one; its
 * test seam replaces the clock and the environment in place.
 */
import type { Seamed } from "../test-seam.js";

export interface ControlStore extends Seamed {
  readonly sql: SqlStorage;
  readonly storage: DurableObjectStorage;
  /**
   * Runs `work` with no other call of this object in between (a reshard is
   * applied so, and a Worker that asks for a route meanwhile waits for the
   * new map).
   */
  exclusive(work: () => Promise<void>): Promise<void>;
}

/** A numeric setting from the environment, or `fallback` when it is unset or not a number. */
export function numberSetting(
  store: ControlStore,
  name: "CREATE_STREAM_MS" | "DELETE_STREAM_MS" | "UPDATE_STREAM_MS" | "SHARD_LIMIT",
  fallback: number,
): number {
  const value = Number(store.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
