import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { prepare } from "../../../worker/actions/records.js";
import { routeOf } from "../../../worker/clients/shard-map.js";
import { writeRecords } from "../../../worker/clients/shards.js";
import type { ControlPlane } from "../../../worker/control/control-plane.js";
import {
  b64,
  call,
  controlObject,
  createOnDemandStream,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  freshRegion,
  getRecords,
  listShards,
  MAX_HASH_KEY,
  ok,
  PATTERN,
  readLineage,
  refusesWrongTypes,
  rule,
  setControlClock,
  setShardLimit,
  shardIterator,
  streamStatus,
  uniqueName,
  waitForActive,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "SplitShard";
const ACCOUNT = "000000000000";
const SHARD0 = "shardId-000000000000";
const HALF = (MAX_HASH_KEY + 1n) / 2n;

describeEachWire("SplitShard", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["ShardToSplit", "String"],
      ["NewStartingHashKey", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires ShardToSplit and NewStartingHashKey", async () => {
      await expectValidation(OP, {}, [
        failure("null", "shardToSplit", rule.notNull),
        failure("null", "newStartingHashKey", rule.notNull),
      ]);
    });

    it("checks the shard id and the hash key against the model's patterns", async () => {
      await expectValidation(OP, { StreamName: "s", ShardToSplit: "", NewStartingHashKey: "x" }, [
        failure("''", "shardToSplit", rule.pattern(PATTERN.shardId)),
        failure("''", "shardToSplit", rule.minLength(1)),
        failure("'x'", "newStartingHashKey", rule.pattern(PATTERN.hashKey)),
      ]);
    });
  });

  describe("behaviour", () => {
    it("closes the shard and opens two children that share its range, with their lineage", async () => {
      const name = uniqueName("split");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: HALF.toString() });
      expect(await streamStatus(name)).toBe("UPDATING");
      await waitForActive(name);
      const shards = await listShards(name);
      expect(shards.map((s) => [s.ShardId, s.ParentShardId, s.HashKeyRange])).toEqual([
        [SHARD0, undefined, { StartingHashKey: "0", EndingHashKey: MAX_HASH_KEY.toString() }],
        [
          "shardId-000000000001",
          SHARD0,
          { StartingHashKey: "0", EndingHashKey: (HALF - 1n).toString() },
        ],
        [
          "shardId-000000000002",
          SHARD0,
          { StartingHashKey: HALF.toString(), EndingHashKey: MAX_HASH_KEY.toString() },
        ],
      ]);
      expect(shards[0]?.SequenceNumberRange.EndingSequenceNumber).toBeDefined();
      expect(shards[1]?.SequenceNumberRange.EndingSequenceNumber).toBeUndefined();
      const summary = await ok("DescribeStreamSummary", { StreamName: name });
      expect((summary.StreamDescriptionSummary as { OpenShardCount: number }).OpenShardCount).toBe(
        2,
      );
    });

    it("sends later writes to the children and keeps the parent's records readable", async () => {
      const name = uniqueName("split-rw");
      await createStream(name, 1);
      const before = await ok("PutRecord", {
        StreamName: name,
        Data: b64("before"),
        PartitionKey: "a",
      });
      await ok(OP, { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: HALF.toString() });
      const after = await ok("PutRecord", {
        StreamName: name,
        Data: b64("after"),
        PartitionKey: "a",
        ExplicitHashKey: "1",
      });
      expect(after.ShardId).toBe("shardId-000000000001");
      // The parent's log ends at its last record; its end names the children.
      const parentShard = (await listShards(name))[0];
      expect(parentShard?.SequenceNumberRange.EndingSequenceNumber).toBe(before.SequenceNumber);
      const page = await getRecords(await shardIterator(name, SHARD0, "TRIM_HORIZON"));
      expect(page.Records.map((r) => r.SequenceNumber)).toEqual([before.SequenceNumber]);
      expect(page.NextShardIterator).toBeUndefined();
      expect((page as { ChildShards?: unknown }).ChildShards).toEqual([
        {
          ShardId: "shardId-000000000001",
          ParentShards: [SHARD0],
          HashKeyRange: { StartingHashKey: "0", EndingHashKey: (HALF - 1n).toString() },
        },
        {
          ShardId: "shardId-000000000002",
          ParentShards: [SHARD0],
          HashKeyRange: {
            StartingHashKey: HALF.toString(),
            EndingHashKey: MAX_HASH_KEY.toString(),
          },
        },
      ]);
      const lineage = await readLineage(name);
      expect(lineage.map((r) => r.SequenceNumber)).toEqual([
        before.SequenceNumber,
        after.SequenceNumber,
      ]);
    });

    itInside(
      "makes a writer holding the map from before the split reload it and write to the children",
      async () => {
        // Another isolate's cached map: the split only told this one.
        const name = uniqueName("split-stale");
        await createStream(name, 1);
        const scope = { account: ACCOUNT, region: "us-east-1" };
        const stale = await routeOf(env, scope, name, { refresh: true });
        await ok(OP, {
          StreamName: name,
          ShardToSplit: SHARD0,
          NewStartingHashKey: HALF.toString(),
        });
        const [written] = await writeRecords(
          env,
          scope,
          name,
          prepare([
            { Data: new TextEncoder().encode("late"), PartitionKey: "k", ExplicitHashKey: "5" },
          ]),
          stale,
        );
        expect(written).toMatchObject({ ShardId: "shardId-000000000001" });
        const lineage = await readLineage(name);
        expect(lineage.map((r) => [r.ShardId, atob(r.Data)])).toEqual([
          ["shardId-000000000001", "late"],
        ]);
      },
    );

    it("gives an empty closed shard's reader its children at once, from any iterator", async () => {
      const name = uniqueName("split-empty");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: HALF.toString() });
      for (const type of ["TRIM_HORIZON", "LATEST"]) {
        const page = await ok("GetRecords", {
          ShardIterator: await shardIterator(name, SHARD0, type),
        });
        expect(page.Records).toEqual([]);
        expect(page.NextShardIterator).toBeUndefined();
        expect((page.ChildShards as unknown[]).length).toBe(2);
      }
    });

    it("refuses a stream or shard that does not exist, in AWS's words", async () => {
      const name = uniqueName("split-nf");
      await expectError(
        OP,
        { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: HALF.toString() },
        "ResourceNotFoundException",
        `Stream ${name} under account ${ACCOUNT} not found.`,
      );
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, ShardToSplit: "shardId-5", NewStartingHashKey: HALF.toString() },
        "ResourceNotFoundException",
        `Could not find shard shardId-000000000005 in stream ${name} under account ${ACCOUNT}.`,
      );
    });

    it("refuses a hash key that would leave a child empty, in AWS's words", async () => {
      const name = uniqueName("split-key");
      await createStream(name, 1);
      for (const key of ["0", "1", MAX_HASH_KEY.toString()]) {
        await expectError(
          OP,
          { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: key },
          "InvalidArgumentException",
          `NewStartingHashKey ${key} used in SplitShard() on shard ${SHARD0} in stream ${name} under account ${ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey ${MAX_HASH_KEY}.`,
        );
      }
    });

    it("refuses a shard already split", async () => {
      const name = uniqueName("split-twice");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: HALF.toString() });
      await waitForActive(name);
      await expectError(
        OP,
        { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: HALF.toString() },
        "InvalidArgumentException",
        `Shard ${SHARD0} in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    });

    itInside("refuses a second reshard while the stream is UPDATING", async () => {
      const region = freshRegion("split");
      const now = Date.now();
      await setControlClock(region, now);
      const name = uniqueName("split-busy");
      await createStream(name, 2, region);
      await ok(OP, { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: "1000" }, region);
      await expectError(
        OP,
        {
          StreamName: name,
          ShardToSplit: "shardId-000000000001",
          NewStartingHashKey: (HALF + 1000n).toString(),
        },
        "ResourceInUseException",
        `Stream ${name} under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
        { region },
      );
      await setControlClock(region, now + 500);
      await ok(
        OP,
        {
          StreamName: name,
          ShardToSplit: "shardId-000000000001",
          NewStartingHashKey: (HALF + 1000n).toString(),
        },
        region,
      );
    });

    itInside("refuses a split beyond the account's shard limit", async () => {
      const region = freshRegion("split");
      await setShardLimit(region, 2);
      const name = uniqueName("split-limit");
      await createStream(name, 2, region);
      const answer = await call(
        OP,
        { StreamName: name, ShardToSplit: SHARD0, NewStartingHashKey: "1000" },
        { region },
      );
      expect(answer.body.__type).toBe("LimitExceededException");
      expect(answer.body.message).toContain(
        "Current shard count for the account: 2. Limit: 2. Number of additional shards that would have resulted from this request: 1.",
      );
    });

    it("is for provisioned streams only", async () => {
      const name = uniqueName("split-od");
      await createOnDemandStream(name);
      const answer = await call(OP, {
        StreamName: name,
        ShardToSplit: SHARD0,
        NewStartingHashKey: "1000",
      });
      expect(answer.body.__type).toBe("ValidationException");
    });

    itInside("refuses a stream that is still CREATING", async () => {
      await expectRefusedWhileCreating(OP, "split", (name) => ({
        StreamName: name,
        ShardToSplit: SHARD0,
        NewStartingHashKey: "1000",
      }));
    });
  });
});

describe("a reshard interrupted by a restart of the control plane", () => {
  itInside("is finished when the control plane starts again", async () => {
    const region = freshRegion("crash");
    const name = uniqueName("split-crash");
    await createStream(name, 1, region);
    const before = await ok(
      "PutRecord",
      { StreamName: name, Data: b64("before"), PartitionKey: "k" },
      region,
    );
    // The state a crash leaves between storing a split's plan and applying it.
    const control = controlObject(region);
    await runInDurableObject(control, (_instance: ControlPlane, state) => {
      const plan = {
        scope: { account: ACCOUNT, region },
        stream: name,
        at: Date.now(),
        steps: [
          {
            parents: [SHARD0],
            children: [
              {
                shardId: "shardId-000000000001",
                shardIndex: 1,
                start: "0",
                end: (HALF - 1n).toString(),
                parentShardId: SHARD0,
              },
              {
                shardId: "shardId-000000000002",
                shardIndex: 2,
                start: HALF.toString(),
                end: MAX_HASH_KEY.toString(),
                parentShardId: SHARD0,
              },
            ],
          },
        ],
      };
      state.storage.sql.exec("UPDATE streams SET next_shard_index = 3 WHERE name = ?", name);
      state.storage.sql.exec(
        "INSERT INTO reshards (stream, plan) VALUES (?, ?)",
        name,
        JSON.stringify(plan),
      );
    });
    await evictDurableObject(control);
    const shards = await ok("ListShards", { StreamName: name }, region);
    const listed = shards.Shards as {
      ShardId: string;
      ParentShardId?: string;
      SequenceNumberRange: { EndingSequenceNumber?: string };
    }[];
    expect(listed.map((s) => [s.ShardId, s.ParentShardId])).toEqual([
      [SHARD0, undefined],
      ["shardId-000000000001", SHARD0],
      ["shardId-000000000002", SHARD0],
    ]);
    expect(listed[0]?.SequenceNumberRange.EndingSequenceNumber).toBe(before.SequenceNumber);
    const after = await ok(
      "PutRecord",
      { StreamName: name, Data: b64("after"), PartitionKey: "k", ExplicitHashKey: "7" },
      region,
    );
    expect(after.ShardId).toBe("shardId-000000000001");
    const left = await runInDurableObject(
      control,
      (_i: ControlPlane, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM reshards").one().n,
    );
    expect(left).toBe(0);
  });
});
