import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evenRanges, MAX_HASH_KEY } from "../../../src/kinesis/hash-key.js";
import { type PlanShard, uniformScalingSteps } from "../../../src/kinesis/resharding.js";
import { formatShardId } from "../../../src/kinesis/sequence-number.js";

/** The open shards after applying `steps` to `open`. */
function apply(open: PlanShard[], steps: ReturnType<typeof uniformScalingSteps>): PlanShard[] {
  let shards = [...open];
  for (const step of steps) {
    const parents = shards.filter((s) => step.parents.includes(s.shardId));
    expect(parents.map((p) => p.shardId).sort()).toEqual([...step.parents].sort());
    // The children cover exactly their parents' range, with no gap or overlap.
    // Sorted rather than Math.min/max, which do not take BigInts.
    const starts = parents.map((p) => p.start).sort((a, b) => (a < b ? -1 : 1));
    const ends = parents.map((p) => p.end).sort((a, b) => (a < b ? -1 : 1));
    const low = starts[0] ?? MAX_HASH_KEY;
    const high = ends[ends.length - 1] ?? 0n;
    const children = [...step.children].sort((a, b) => (a.start < b.start ? -1 : 1));
    expect(children[0]?.start).toBe(low);
    expect(children[children.length - 1]?.end).toBe(high);
    for (let i = 1; i < children.length; i++) {
      expect(children[i]?.start).toBe((children[i - 1]?.end ?? 0n) + 1n);
    }
    for (const child of children) {
      expect(child.start <= child.end).toBe(true);
      const lineage = [child.parentShardId, child.adjacentParentShardId].filter(Boolean);
      expect(lineage.sort()).toEqual(
        step.parents.length === 1 ? [...step.parents] : [...step.parents].sort(),
      );
    }
    shards = [...shards.filter((s) => !step.parents.includes(s.shardId)), ...step.children];
  }
  return shards.sort((a, b) => (a.start < b.start ? -1 : 1));
}

const even = (n: number): PlanShard[] =>
  evenRanges(n).map((r, i) => ({ shardId: formatShardId(i), start: r.start, end: r.end }));

describe("UpdateShardCount plans (UNIFORM_SCALING)", () => {
  it("end with the target's even ranges, from any count it may go to", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (from, f) => {
          const target = Math.max(1, Math.min(from * 2, Math.ceil(from * f)));
          const steps = uniformScalingSteps(even(from), target, from);
          const result = apply(even(from), steps);
          expect(result.map((s) => [s.start, s.end])).toEqual(
            evenRanges(target).map((r) => [r.start, r.end]),
          );
          // Every new shard id is new and in order.
          const ids = steps.flatMap((s) => s.children.map((c) => c.shardIndex));
          expect(ids).toEqual(ids.map((_, i) => from + i));
        },
      ),
    );
  });

  it("does nothing when the stream already has the target's even ranges", () => {
    expect(uniformScalingSteps(even(4), 4, 4)).toEqual([]);
  });

  it("doubles with one split per shard and halves with one merge per pair", () => {
    expect(uniformScalingSteps(even(4), 8, 4).map((s) => s.parents.length)).toEqual([1, 1, 1, 1]);
    expect(uniformScalingSteps(even(4), 2, 4).map((s) => s.parents.length)).toEqual([2, 2]);
  });

  it("starts from uneven shards, as manual splits leave them", () => {
    const open: PlanShard[] = [
      { shardId: "shardId-000000000001", start: 0n, end: 10n },
      { shardId: "shardId-000000000002", start: 11n, end: MAX_HASH_KEY },
    ];
    const result = apply(open, uniformScalingSteps(open, 3, 3));
    expect(result.map((s) => [s.start, s.end])).toEqual(evenRanges(3).map((r) => [r.start, r.end]));
  });
});
