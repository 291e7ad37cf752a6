/**
 * The shard as it stands: its config, where its log ends, whether it is
 * closed and what continues it. It is kept in memory and written to `meta`
 * whenever it changes; loading reads it back when the object starts.
 */
import type { ChildShard } from "../../src/kinesis/model.js";
import { sequenceNumberFormatter } from "../../src/kinesis/sequence-number.js";
import type { ShardThrottle } from "../../src/kinesis/throughput.js";
import { IteratorSigner } from "../iterators/signer.js";
import {
  boolean,
  list,
  number,
  object,
  oneOf,
  optional,
  parseJson,
  string,
} from "../storage/decode.js";
import { migrate } from "../storage/migrate.js";
import type { Closing, ShardConfig } from "./contract.js";
import { type DemandWindow, newDemandWindow } from "./demand.js";
import { SHARD_MIGRATIONS } from "./schema.js";
import type { ShardStore } from "./store.js";

export interface ShardState {
  config: ShardConfig;
  formatSequence: (position: number) => string;
  nextPosition: number;
  lastArrival: number;
  status: "OPEN" | "CLOSED";
  endingPosition: number | null;
  /** The shards that continue this one, once it is closed. */
  children: ChildShard[];
  /** The stream is ON_DEMAND: this shard asks to be split when it runs hot. */
  onDemand: boolean;
  signer: IteratorSigner;
  /** When the trim alarm is set for (retention.ts), or null when none is. */
  alarmAt: number | null;
  /** The shard's token buckets (limits.ts), made when the limits are first asked. */
  buckets: ShardThrottle | undefined;
  /** Writes offered in the current window, for on-demand scaling (demand.ts). */
  demand: DemandWindow;
}

const storedConfig = object({
  account: string,
  region: string,
  streamName: string,
  incarnation: string,
  epoch: number,
  shardId: string,
  shardIndex: number,
  startingHashKey: string,
  endingHashKey: string,
  parentShardId: optional(string),
  adjacentParentShardId: optional(string),
  retentionHours: number,
  iteratorKey: string,
  createdAt: number,
  onDemand: optional(boolean),
});

const storedChildren = list(
  object({
    ShardId: string,
    ParentShards: list(string),
    HashKeyRange: object({ StartingHashKey: string, EndingHashKey: string }),
  }),
);

const storedStatus = oneOf(["OPEN", "CLOSED"]);

/** The shard's state as `meta` holds it, or undefined when the shard was never made. */
export function loadState(store: ShardStore): ShardState | undefined {
  const row = store.sql
    .exec<{
      config: string;
      next_position: number;
      last_arrival: number;
      status: string;
      ending_position: number | null;
      children: string | null;
      on_demand: number;
    }>(
      "SELECT config, next_position, last_arrival, status, ending_position, children, on_demand FROM meta WHERE id = 1",
    )
    .toArray()[0];
  if (!row) return undefined;
  const config = parseJson(row.config, storedConfig);
  // Appends do not touch `meta`: the newest segment says where the log ends.
  // `meta` keeps the counter for when trimming has removed every segment.
  const newest = store.sql
    .exec<{ last_position: number; arrival: number }>(
      "SELECT last_position, arrival FROM segments ORDER BY first_position DESC LIMIT 1",
    )
    .toArray()[0];
  return {
    config,
    formatSequence: sequenceNumberFormatter(config.epoch, config.shardIndex),
    nextPosition: Math.max(row.next_position, (newest?.last_position ?? 0) + 1),
    lastArrival: Math.max(row.last_arrival, newest?.arrival ?? 0),
    status: storedStatus(row.status, "status"),
    endingPosition: row.ending_position,
    children: row.children ? parseJson(row.children, storedChildren) : [],
    onDemand: row.on_demand === 1,
    signer: new IteratorSigner(config.iteratorKey),
    alarmAt: null,
    buckets: undefined,
    demand: newDemandWindow(),
  };
}

/** Creates the shard's tables and its `meta` row, and loads it. A repeat with another config changes nothing. */
export function createShard(store: ShardStore, config: ShardConfig): ShardState | undefined {
  const { sql } = store;
  store.storage.transactionSync(() => {
    migrate(sql, SHARD_MIGRATIONS);
    sql.exec(
      "INSERT OR IGNORE INTO meta (id, config, next_position, last_arrival, on_demand) VALUES (1, ?, 1, 0, ?)",
      JSON.stringify(config),
      config.onDemand === true ? 1 : 0,
    );
  });
  return loadState(store);
}

/** Deletes everything the shard holds, its alarm included. */
export async function dropShard(store: ShardStore): Promise<void> {
  await store.storage.deleteAlarm();
  await store.storage.deleteAll();
}

/** UpdateStreamMode: whether this shard scales itself from now on. */
export function setOnDemand(store: ShardStore, state: ShardState, onDemand: boolean): void {
  state.onDemand = onDemand;
  store.sql.exec("UPDATE meta SET on_demand = ? WHERE id = 1", onDemand ? 1 : 0);
}

/**
 * Closes the shard to writes (SplitShard, MergeShards, UpdateShardCount):
 * its log ends at the last position written, and `children` continue it.
 * Appends run whole between two calls, so every append acknowledged before
 * this is in the log and every later one is refused as closed. Closing a
 * closed shard answers its ending again.
 */
export function closeShard(store: ShardStore, state: ShardState, children: ChildShard[]): Closing {
  const ending = endingOf(state);
  if (ending !== undefined) return { endingPosition: ending };
  const endingPosition = state.nextPosition - 1;
  store.sql.exec(
    "UPDATE meta SET status = 'CLOSED', ending_position = ?, children = ?, next_position = ? WHERE id = 1",
    endingPosition,
    JSON.stringify(children),
    state.nextPosition,
  );
  state.status = "CLOSED";
  state.endingPosition = endingPosition;
  state.children = children;
  return { endingPosition };
}

/** The end of a closed shard's log, or undefined while it is open. */
export function endingOf(state: ShardState): number | undefined {
  return state.status === "CLOSED" && state.endingPosition !== null
    ? state.endingPosition
    : undefined;
}
