/**
 * What the control plane's rules work over: its SQLite database and storage,
 * its environment and its clock. The host (control-plane.ts) holds one; its
 * test seam replaces the clock and the environment in place.
 */
import { readWholeNumber } from "../../src/settings/values.js";
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

/**
 * A whole-number setting from the environment, read as the local command
 * line reads it (src/settings/values.ts), or `fallback` when it is unset or
 * not one. The command line refuses a bad value at start; a Worker deployed
 * with one keeps its default.
 */
export function numberSetting(
  store: ControlStore,
  name: "CREATE_STREAM_MS" | "DELETE_STREAM_MS" | "UPDATE_STREAM_MS" | "SHARD_LIMIT",
  fallback: number,
): number {
  return readWholeNumber(store.env[name] ?? "") ?? fallback;
}
