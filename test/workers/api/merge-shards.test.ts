import { describe, expect, it } from "vitest";
import {
  b64,
  call,
  createOnDemandStream,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  listShards,
  ok,
  PATTERN,
  readLineage,
  refusesWrongTypes,
  rule,
  streamStatus,
  uniqueName,
  waitForActive,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "MergeShards";
const ACCOUNT = "000000000000";
const [S0, S1, S2] = ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"];

describeEachWire("MergeShards", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["ShardToMerge", "String"],
      ["AdjacentShardToMerge", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires both shards", async () => {
      await expectValidation(OP, {}, [
        failure("null", "shardToMerge", rule.notNull),
        failure("null", "adjacentShardToMerge", rule.notNull),
      ]);
    });

    it("checks both shard ids against the model's pattern", async () => {
      await expectValidation(OP, { ShardToMerge: "a b", AdjacentShardToMerge: "c d" }, [
        failure("'a b'", "shardToMerge", rule.pattern(PATTERN.shardId)),
        failure("'c d'", "adjacentShardToMerge", rule.pattern(PATTERN.shardId)),
      ]);
    });
  });

  describe("behaviour", () => {
    it("closes two adjacent shards and opens one over both ranges, naming both parents", async () => {
      const name = uniqueName("merge");
      await createStream(name, 3);
      const before = await listShards(name);
      await ok(OP, { StreamName: name, ShardToMerge: S0, AdjacentShardToMerge: S1 });
      expect(await streamStatus(name)).toBe("UPDATING");
      await waitForActive(name);
      const after = await listShards(name);
      const child = after.find((s) => s.ShardId === "shardId-000000000003");
      expect(child).toMatchObject({
        ParentShardId: S0,
        AdjacentParentShardId: S1,
        HashKeyRange: {
          StartingHashKey: before[0]?.HashKeyRange.StartingHashKey,
          EndingHashKey: before[1]?.HashKeyRange.EndingHashKey,
        },
      });
      const closed = after.filter((s) => s.SequenceNumberRange.EndingSequenceNumber !== undefined);
      expect(closed.map((s) => s.ShardId)).toEqual([S0, S1]);
    });

    it("reads both parents, then the child: each key's records in the order they were written", async () => {
      const name = uniqueName("merge-rw");
      await createStream(name, 2);
      const written: string[] = [];
      const put = async (i: number) => {
        const answer = await ok("PutRecord", {
          StreamName: name,
          Data: b64(`r${i}`),
          PartitionKey: `key-${i % 5}`,
        });
        written.push(answer.SequenceNumber as string);
      };
      for (let i = 0; i < 10; i++) await put(i);
      await ok(OP, { StreamName: name, ShardToMerge: S0, AdjacentShardToMerge: S1 });
      for (let i = 10; i < 20; i++) await put(i);
      const read = await readLineage(name);
      expect(read.map((r) => r.SequenceNumber).sort()).toEqual([...written].sort());
      for (let k = 0; k < 5; k++) {
        const ofKey = read.filter((r) => r.PartitionKey === `key-${k}`).map((r) => atob(r.Data));
        expect(ofKey).toEqual([0, 1, 2, 3].map((j) => `r${j * 5 + k}`));
      }
      const page = await ok("GetRecords", {
        ShardIterator: (
          await ok("GetShardIterator", {
            StreamName: name,
            ShardId: S1,
            ShardIteratorType: "LATEST",
          })
        ).ShardIterator,
      });
      expect(page.ChildShards).toEqual([
        expect.objectContaining({ ShardId: "shardId-000000000002", ParentShards: [S0, S1] }),
      ]);
    });

    it("refuses shards that are not an adjacent pair in that order, in AWS's words", async () => {
      const name = uniqueName("merge-adj");
      await createStream(name, 3);
      for (const [a, b] of [
        [S0, S2],
        [S1, S0],
      ]) {
        await expectError(
          OP,
          { StreamName: name, ShardToMerge: a, AdjacentShardToMerge: b },
          "InvalidArgumentException",
          `Shards ${a} and ${b} in stream ${name} under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`,
        );
      }
    });

    it("refuses unknown and closed shards", async () => {
      const name = uniqueName("merge-nf");
      await createStream(name, 3);
      await expectError(
        OP,
        { StreamName: name, ShardToMerge: S0, AdjacentShardToMerge: "shardId-9" },
        "ResourceNotFoundException",
        `Could not find shard shardId-000000000009 in stream ${name} under account ${ACCOUNT}.`,
      );
      await ok(OP, { StreamName: name, ShardToMerge: S0, AdjacentShardToMerge: S1 });
      await waitForActive(name);
      await expectError(
        OP,
        { StreamName: name, ShardToMerge: S1, AdjacentShardToMerge: S2 },
        "InvalidArgumentException",
        `Shard ${S1} in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    });

    it("is for provisioned streams only", async () => {
      const name = uniqueName("merge-od");
      await createOnDemandStream(name);
      const answer = await call(OP, {
        StreamName: name,
        ShardToMerge: S0,
        AdjacentShardToMerge: S1,
      });
      expect(answer.body.__type).toBe("ValidationException");
    });

    itInside("refuses a stream that is still CREATING", async () => {
      await expectRefusedWhileCreating(
        OP,
        "merge",
        (name) => ({ StreamName: name, ShardToMerge: S0, AdjacentShardToMerge: S1 }),
        2,
      );
    });
  });
});
