/**
 * Resharding plans. A reshard is a list of steps, each of which closes one
 * shard (a split) or two adjacent shards (a merge) and opens their children.
 * SplitShard and MergeShards are one step; UpdateShardCount is the splits and
 * merges that turn the open shards into `target` shards of even ranges, the
 * way AWS does it (its documentation: "Kinesis Data Streams performs splits or
 * merges on individual shards. This can cause short-lived shards to be
 * created, in addition to the final shards").
 *
 * Lineage stays what Kinesis readers expect: every child has one parent (a
 * split) or two adjacent parents (a merge), so a reader that finishes each
 * parent before its children reads every hash key in order.
 */
import { evenRanges } from "./hash-key.js";
import { formatShardId } from "./sequence-number.js";

/** An open shard, as the plan sees it. */
export interface PlanShard {
  readonly shardId: string;
  readonly start: bigint;
  readonly end: bigint;
}

/** A shard a step opens. */
export interface PlannedChild extends PlanShard {
  readonly shardIndex: number;
  readonly parentShardId: string;
  readonly adjacentParentShardId?: string;
}

/** Closes `parents` and opens `children`, which cover exactly the parents' range. */
export interface ReshardStep {
  readonly parents: readonly string[];
  readonly children: readonly PlannedChild[];
}

/** The shard at `index`, as a child sees its own identity. */
function idAt(index: number): { shardIndex: number; shardId: string } {
  return { shardIndex: index, shardId: formatShardId(index) };
}

/** SplitShard: `parent` becomes [start, at - 1] and [at, end]. */
export function splitStep(parent: PlanShard, at: bigint, nextIndex: number): ReshardStep {
  return {
    parents: [parent.shardId],
    children: [
      { ...idAt(nextIndex), start: parent.start, end: at - 1n, parentShardId: parent.shardId },
      { ...idAt(nextIndex + 1), start: at, end: parent.end, parentShardId: parent.shardId },
    ],
  };
}

/** MergeShards: `lower` and the shard right above it become one. */
export function mergeStep(lower: PlanShard, upper: PlanShard, nextIndex: number): ReshardStep {
  return {
    parents: [lower.shardId, upper.shardId],
    children: [
      {
        ...idAt(nextIndex),
        start: lower.start,
        end: upper.end,
        parentShardId: lower.shardId,
        adjacentParentShardId: upper.shardId,
      },
    ],
  };
}

/**
 * UpdateShardCount with UNIFORM_SCALING: splits every open shard at each
 * boundary of the target's even ranges that falls inside it, then merges the
 * pieces of each target range, lowest first. Open shards must tile the hash
 * key space, as a stream's always do.
 */
export function uniformScalingSteps(
  open: readonly PlanShard[],
  target: number,
  nextIndex: number,
): ReshardStep[] {
  const steps: ReshardStep[] = [];
  /** Each step takes the shard indexes after the last step's. */
  const next = () => nextIndexAfter(steps, nextIndex);
  const ranges = evenRanges(target);
  // Already uniform at this count: nothing to do.
  const sorted = [...open].sort((a, b) => (a.start < b.start ? -1 : 1));
  if (
    sorted.length === target &&
    sorted.every((s, i) => s.start === ranges[i]?.start && s.end === ranges[i]?.end)
  ) {
    return [];
  }

  // Splits: afterwards no piece straddles a target boundary.
  const pieces: PlanShard[] = [];
  for (const shard of sorted) {
    const cuts = ranges
      .map((r) => r.start)
      .filter((boundary) => boundary > shard.start && boundary <= shard.end);
    let current = shard;
    for (const cut of cuts) {
      const step = splitStep(current, cut, next());
      steps.push(step);
      const [low, high] = step.children;
      if (!low || !high) throw new Error("a split opens two shards");
      pieces.push(low);
      current = high;
    }
    pieces.push(current);
  }

  // Merges: the pieces of each target range become one shard.
  for (const range of ranges) {
    const inside = pieces.filter((p) => p.start >= range.start && p.end <= range.end);
    let merged = inside[0];
    for (const piece of inside.slice(1)) {
      if (!merged) break;
      const step = mergeStep(merged, piece, next());
      steps.push(step);
      merged = step.children[0];
    }
  }
  return steps;
}

/** The shard index after the last one `steps` use. */
export function nextIndexAfter(steps: readonly ReshardStep[], nextIndex: number): number {
  let next = nextIndex;
  for (const step of steps) {
    for (const child of step.children) next = Math.max(next, child.shardIndex + 1);
  }
  return next;
}
