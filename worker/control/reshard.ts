/**
 * Reshards as the control plane stores and applies them. A plan is stored
 * before any shard is touched and deleted once applied, so a crash between
 * the two is finished when the control plane starts again; every part of
 * applying it can run twice with the same outcome.
 */
import type { ChildShard } from "../../src/kinesis/model.js";
import type { ReshardStep } from "../../src/kinesis/resharding.js";
import { formatSequenceNumber } from "../../src/kinesis/sequence-number.js";
import { isGone, type ShardConfig } from "../shard/types.js";
import { shardStub } from "../stubs.js";
import type { ScopeRef } from "./types.js";

/** A reshard in progress, as stored until it is fully applied. */
export interface ReshardPlan {
  scope: ScopeRef;
  stream: string;
  /** When the reshard happened: closing and creation times of its shards. */
  at: number;
  steps: {
    parents: string[];
    children: {
      shardId: string;
      shardIndex: number;
      start: string;
      end: string;
      parentShardId: string;
      adjacentParentShardId?: string;
    }[];
  }[];
}

/** What applying a plan reads of its stream. */
interface PlanStreamRow {
  name: string;
  incarnation: string;
  epoch: number;
  retention_hours: number;
  iterator_key: string;
  mode: string;
  deleting_until: number | null;
  [key: string]: SqlStorageValue;
}

/** A plan of `steps` for a stream, in the form it is stored (hash keys as decimal strings). */
export function storedPlan(
  scope: ScopeRef,
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

/**
 * Applies a stored reshard, step by step: the children are created, then the
 * parents closed (each answers where its log ended), then the control plane
 * records both. Every part can run twice with the same outcome.
 */
export async function applyReshard(
  ctx: DurableObjectState,
  env: Env,
  plan: ReshardPlan,
): Promise<void> {
  const sql = ctx.storage.sql;
  const row = sql
    .exec<PlanStreamRow>(
      "SELECT name, incarnation, epoch, retention_hours, iterator_key, mode, deleting_until FROM streams WHERE name = ?",
      plan.stream,
    )
    .toArray()[0];
  if (!row || row.deleting_until !== null) {
    sql.exec("DELETE FROM reshards WHERE stream = ?", plan.stream);
    return;
  }
  const indexOf = new Map(
    sql
      .exec<{ shard_id: string; shard_index: number }>(
        "SELECT shard_id, shard_index FROM shards WHERE stream = ?",
        row.name,
      )
      .toArray()
      .map((s) => [s.shard_id, s.shard_index]),
  );
  for (const step of plan.steps) {
    const configs: ShardConfig[] = step.children.map((child) => ({
      account: plan.scope.account,
      region: plan.scope.region,
      streamName: row.name,
      incarnation: row.incarnation,
      epoch: row.epoch,
      shardId: child.shardId,
      shardIndex: child.shardIndex,
      startingHashKey: child.start,
      endingHashKey: child.end,
      parentShardId: child.parentShardId,
      ...(child.adjacentParentShardId
        ? { adjacentParentShardId: child.adjacentParentShardId }
        : {}),
      retentionHours: row.retention_hours,
      iteratorKey: row.iterator_key,
      createdAt: plan.at,
      onDemand: row.mode === "ON_DEMAND",
    }));
    await Promise.all(
      configs.map((config) => shardStub(env, row.incarnation, config.shardId).init(config)),
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
        const closed = await shardStub(env, row.incarnation, parent).close(childShards);
        return { parent, endingPosition: isGone(closed) ? 0 : closed.endingPosition };
      }),
    );
    ctx.storage.transactionSync(() => {
      for (const config of configs) {
        sql.exec(
          `INSERT OR IGNORE INTO shards (stream, shard_index, shard_id, starting_hash_key, ending_hash_key,
             parent_shard_id, adjacent_parent_shard_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          row.name,
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
            epoch: row.epoch,
            shardIndex: indexOf.get(parent) ?? 0,
            position: BigInt(endingPosition),
          }),
          row.name,
          parent,
        );
      }
    });
  }
  sql.exec("DELETE FROM reshards WHERE stream = ?", plan.stream);
}
