/**
 * Reshards as the control plane stores and applies them. A plan is stored
 * before any shard is touched and deleted once applied, so a crash between
 * the two is finished when the control plane starts again; every part of
 * applying it can run twice with the same outcome.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { reshardingOnDemand } from "../../src/kinesis/errors/index.js";
import type { ChildShard } from "../../src/kinesis/model.js";
import { nextIndexAfter, type ReshardStep } from "../../src/kinesis/resharding.js";
import { formatSequenceNumber } from "../../src/kinesis/sequence-number.js";
import { isGone, unwrap } from "../reply.js";
import { list, number, object, optional, parseJson, string } from "../storage/decode.js";
import { shardStub } from "../stubs.js";
import { type ControlStore, numberSetting } from "./store.js";
import { findStream, type Stream, shardConfig } from "./stream-rows.js";

const storedChild = object({
  shardId: string,
  shardIndex: number,
  start: string,
  end: string,
  parentShardId: string,
  adjacentParentShardId: optional(string),
});

/** A reshard in progress, as stored until it is fully applied. */
const storedPlanShape = object({
  scope: object({ account: string, region: string }),
  stream: string,
  /** When the reshard happened: closing and creation times of its shards. */
  at: number,
  steps: list(object({ parents: list(string), children: list(storedChild) })),
});

export type ReshardPlan = ReturnType<typeof storedPlanShape>;

/** A plan of `steps` for a stream, in the form it is stored (hash keys as decimal strings). */
function storedPlan(
  scope: Scope,
  stream: string,
  steps: readonly ReshardStep[],
  at: number,
): ReshardPlan {
  return {
    scope: { account: scope.account, region: scope.region },
    stream,
    at,
    steps: steps.map((step) => ({
      parents: [...step.parents],
      children: step.children.map((c) => ({
        shardId: c.shardId,
        shardIndex: c.shardIndex,
        start: c.start.toString(),
        end: c.end.toString(),
        parentShardId: c.parentShardId,
        ...(c.adjacentParentShardId ? { adjacentParentShardId: c.adjacentParentShardId } : {}),
      })),
    })),
  };
}

/** Resharding is for provisioned streams; on-demand ones scale themselves. */
export function requireProvisioned(operation: string, stream: Stream): void {
  if (stream.mode !== "PROVISIONED") throw reshardingOnDemand(operation, stream.name);
}

/**
 * Runs a reshard. The plan is stored first, with the stream UPDATING (unless
 * `updating` is false: on-demand scaling the owner did not ask for) and its
 * shard indexes taken, then applied; a crash in between is finished when the
 * object starts again. Nothing else runs on this object meanwhile, so a
 * Worker that finds a parent closed and asks for a fresh route gets the new
 * shards, never a map in between.
 */
export async function runReshard(
  store: ControlStore,
  scope: Scope,
  stream: Stream,
  steps: ReshardStep[],
  now: number,
  options: { updating: boolean } = { updating: true },
): Promise<void> {
  const plan = storedPlan(scope, stream.name, steps, now);
  const { sql } = store;
  store.storage.transactionSync(() => {
    sql.exec(
      "UPDATE streams SET updating_until = ?, next_shard_index = ? WHERE name = ?",
      options.updating
        ? now + numberSetting(store, "UPDATE_STREAM_MS", 500)
        : stream.updating_until,
      nextIndexAfter(steps, stream.next_shard_index),
      stream.name,
    );
    sql.exec(
      "INSERT OR REPLACE INTO reshards (stream, plan) VALUES (?, ?)",
      stream.name,
      JSON.stringify(plan),
    );
  });
  await store.exclusive(() => applyReshard(store, plan));
}

/** Finishes the reshards a crash interrupted; the host runs it before anything else. */
export async function resumeReshards(store: ControlStore): Promise<void> {
  for (const { plan } of store.sql.exec<{ plan: string }>("SELECT plan FROM reshards").toArray()) {
    await applyReshard(store, parseJson(plan, storedPlanShape));
  }
}

/**
 * Applies a stored reshard, step by step: the children are created, then the
 * parents closed (each answers where its log ended), then the control plane
 * records both. Every part can run twice with the same outcome.
 */
async function applyReshard(store: ControlStore, plan: ReshardPlan): Promise<void> {
  const { sql, env } = store;
  const stream = findStream(store, plan.stream, store.clock());
  if (!stream || stream.deleting_until !== null) {
    sql.exec("DELETE FROM reshards WHERE stream = ?", plan.stream);
    return;
  }
  const shardOf = (shardId: string) => shardStub(env, stream.incarnation, shardId);
  const indexOf = new Map(
    sql
      .exec<{ shard_id: string; shard_index: number }>(
        "SELECT shard_id, shard_index FROM shards WHERE stream = ?",
        stream.name,
      )
      .toArray()
      .map((s) => [s.shard_id, s.shard_index]),
  );
  for (const step of plan.steps) {
    const configs = step.children.map((child) => shardConfig(plan.scope, stream, child, plan.at));
    await Promise.all(
      configs.map(async (config) => unwrap(await shardOf(config.shardId).init(config))),
    );
    const childShards: ChildShard[] = step.children.map((child) => ({
      ShardId: child.shardId,
      ParentShards: child.adjacentParentShardId
        ? [child.parentShardId, child.adjacentParentShardId]
        : [child.parentShardId],
      HashKeyRange: { StartingHashKey: child.start, EndingHashKey: child.end },
    }));
    const endings = await Promise.all(
      step.parents.map(async (parent) => {
        const closed = await shardOf(parent).close(childShards);
        return { parent, endingPosition: isGone(closed) ? 0 : unwrap(closed).endingPosition };
      }),
    );
    store.storage.transactionSync(() => {
      for (const config of configs) {
        sql.exec(
          `INSERT OR IGNORE INTO shards (stream, shard_index, shard_id, starting_hash_key, ending_hash_key,
             parent_shard_id, adjacent_parent_shard_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          stream.name,
          config.shardIndex,
          config.shardId,
          config.startingHashKey,
          config.endingHashKey,
          config.parentShardId ?? null,
          config.adjacentParentShardId ?? null,
          plan.at,
        );
        indexOf.set(config.shardId, config.shardIndex);
      }
      for (const { parent, endingPosition } of endings) {
        sql.exec(
          "UPDATE shards SET closed_at = ?, ending_sequence_number = ? WHERE stream = ? AND shard_id = ?",
          plan.at,
          formatSequenceNumber({
            epoch: stream.epoch,
            shardIndex: indexOf.get(parent) ?? 0,
            position: BigInt(endingPosition),
          }),
          stream.name,
          parent,
        );
      }
    });
  }
  sql.exec("DELETE FROM reshards WHERE stream = ?", plan.stream);
}
