/**
 * Per-shard throughput limits, as AWS documents them: 1 MiB/s and 1,000
 * records/s in (data plus partition key), 5 GetRecords calls/s and 2 MiB/s
 * out, 5 GetShardIterator calls/s. Each shard's clock is moved by hand, so
 * nothing here waits for time to pass.
 */
import { describe, expect } from "vitest";
import {
  b64,
  call,
  createStream,
  getRecords,
  limitShard,
  listShards,
  ok,
  shardIterator,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const ACCOUNT = "000000000000";

interface Entry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** A one-shard stream with its limits on and its clock in the test's hands. */
async function limitedStream(prefix: string, shards = 1) {
  const name = uniqueName(prefix);
  await createStream(name, shards);
  const ids = (await listShards(name)).map((s) => s.ShardId);
  const clocks = await Promise.all(ids.map((id) => limitShard(name, id)));
  const advance = (ms: number) => {
    for (const clock of clocks) clock.advance(ms);
  };
  return { name, ids, advance };
}

/** PutRecords of `count` records of `bytes` data each; partition key "k" (1 byte). */
async function putMany(name: string, count: number, bytes: number, key = () => "k") {
  const data = b64(new Uint8Array(bytes));
  const answer = await ok("PutRecords", {
    StreamName: name,
    Records: Array.from({ length: count }, () => ({ Data: data, PartitionKey: key() })),
  });
  return answer as { FailedRecordCount: number; Records: Entry[] };
}

const rateExceeded = (shardId: string, stream: string) =>
  `Rate exceeded for shard ${shardId} in stream ${stream} under account ${ACCOUNT}.`;

describeEachWire("shard throughput limits", () => {
  describe("writes", () => {
    itInside(
      "admit 1,000 records a second; the rest get ProvisionedThroughputExceededException each",
      async () => {
        const { name, ids, advance } = await limitedStream("w-records");
        const first = await putMany(name, 500, 10);
        const second = await putMany(name, 500, 10);
        expect([first.FailedRecordCount, second.FailedRecordCount]).toEqual([0, 0]);
        const third = await putMany(name, 500, 10);
        expect(third.FailedRecordCount).toBe(500);
        for (const entry of third.Records) {
          expect(entry).toEqual({
            ErrorCode: "ProvisionedThroughputExceededException",
            ErrorMessage: rateExceeded(ids[0] ?? "", name),
          });
        }
        // Half a second later, half a second of records is back.
        advance(500);
        const fourth = await putMany(name, 500, 10);
        expect(fourth.FailedRecordCount).toBe(0);
      },
    );

    itInside("admit 1 MiB a second of data and partition key bytes", async () => {
      const { name, advance } = await limitedStream("w-bytes");
      // 10 × (100 KiB + 1 key byte) fits in 1 MiB; an 11th does not.
      const answer = await putMany(name, 12, 100 * KiB);
      expect(answer.Records.map((r) => r.ErrorCode ?? "ok")).toEqual([
        ...Array(10).fill("ok"),
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceededException",
      ]);
      expect(answer.FailedRecordCount).toBe(2);
      advance(200);
      const later = await putMany(name, 3, 100 * KiB);
      expect(later.Records.map((r) => r.ErrorCode ?? "ok")).toEqual([
        "ok",
        "ok",
        "ProvisionedThroughputExceededException",
      ]);
    });

    itInside("throttle one shard's entries while the other shard's succeed", async () => {
      const { name, ids } = await limitedStream("w-mixed", 2);
      const shards = await listShards(name);
      // Fill shard 0 with ExplicitHashKeys, then put to both.
      const low = shards[0]?.HashKeyRange.StartingHashKey ?? "0";
      const high = shards[1]?.HashKeyRange.StartingHashKey ?? "0";
      const fill = b64(new Uint8Array(10));
      const records = (hashKey: string, n: number) =>
        Array.from({ length: n }, () => ({
          Data: fill,
          PartitionKey: "k",
          ExplicitHashKey: hashKey,
        }));
      await ok("PutRecords", { StreamName: name, Records: records(low, 500) });
      await ok("PutRecords", { StreamName: name, Records: records(low, 500) });
      const mixed = (await ok("PutRecords", {
        StreamName: name,
        Records: [...records(low, 2), ...records(high, 2)],
      })) as { FailedRecordCount: number; Records: Entry[] };
      expect(mixed.FailedRecordCount).toBe(2);
      expect(mixed.Records.map((r) => r.ErrorCode ?? r.ShardId)).toEqual([
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceededException",
        ids[1],
        ids[1],
      ]);
    });

    itInside(
      "refuse PutRecord over the limit with ProvisionedThroughputExceededException",
      async () => {
        const { name, ids } = await limitedStream("w-one");
        await putMany(name, 500, 10);
        await putMany(name, 500, 10);
        const answer = await call("PutRecord", {
          StreamName: name,
          Data: b64("x"),
          PartitionKey: "k",
        });
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({
          __type: "ProvisionedThroughputExceededException",
          message: rateExceeded(ids[0] ?? "", name),
        });
      },
    );

    itInside(
      "keep what they accept over any window within the rate plus one second of burst",
      async () => {
        const { name, advance } = await limitedStream("w-window");
        // Offer 5 MiB/s for 10 s, in steps of 100 ms.
        const accepted: number[] = [];
        for (let step = 0; step < 100; step++) {
          const answer = await putMany(name, 50, 10 * KiB);
          accepted.push((50 - answer.FailedRecordCount) * (10 * KiB + 1));
          advance(100);
        }
        for (const seconds of [1, 2, 5, 10]) {
          const steps = seconds * 10;
          for (let start = 0; start + steps <= accepted.length; start++) {
            const sum = accepted.slice(start, start + steps).reduce((a, b) => a + b, 0);
            // Steps [start, start + steps) span (steps - 1) × 100 ms of refill.
            expect(sum).toBeLessThanOrEqual(MiB * ((steps - 1) / 10) + MiB);
          }
        }
        // And nearly all of the limit is used.
        const total = accepted.reduce((a, b) => a + b, 0);
        expect(total).toBeGreaterThan(MiB * 9.9);
      },
    );
  });

  describe("reads", () => {
    itInside("admit 5 GetRecords calls a second", async () => {
      const { name, ids, advance } = await limitedStream("r-calls");
      const shardId = ids[0] ?? "";
      let iterator = await shardIterator(name, shardId, "TRIM_HORIZON");
      for (let i = 0; i < 5; i++) {
        iterator = (await getRecords(iterator)).NextShardIterator ?? "";
      }
      const sixth = await call("GetRecords", { ShardIterator: iterator });
      expect(sixth.status).toBe(400);
      expect(sixth.body).toEqual({
        __type: "ProvisionedThroughputExceededException",
        message: `Rate exceeded for Shard - ${ACCOUNT}/${name}/${shardId}`,
      });
      advance(200);
      expect((await call("GetRecords", { ShardIterator: iterator })).status).toBe(200);
    });

    itInside(
      "after a call that returns 10 MiB, throttle the calls of the next 5 seconds",
      async () => {
        const { name, ids, advance } = await limitedStream("r-bytes");
        // 11 MiB written over 11 seconds, so the writes stay within their limit.
        for (let i = 0; i < 11; i++) {
          expect((await putMany(name, 1, MiB - 1)).FailedRecordCount).toBe(0);
          advance(1000);
        }
        const iterator = await shardIterator(name, ids[0] ?? "", "TRIM_HORIZON");
        const page = await getRecords(iterator);
        expect(page.Records.length).toBe(10);
        const next = page.NextShardIterator ?? "";
        advance(4900);
        expect((await call("GetRecords", { ShardIterator: next })).body.__type).toBe(
          "ProvisionedThroughputExceededException",
        );
        advance(100);
        const after = await getRecords(next);
        expect(after.Records.length).toBe(1);
      },
    );

    itInside("admit 5 GetShardIterator calls a second", async () => {
      const { name, ids, advance } = await limitedStream("r-iterators");
      const shardId = ids[0] ?? "";
      for (let i = 0; i < 5; i++) await shardIterator(name, shardId, "LATEST");
      const sixth = await call("GetShardIterator", {
        StreamName: name,
        ShardId: shardId,
        ShardIteratorType: "LATEST",
      });
      expect(sixth.body).toEqual({
        __type: "ProvisionedThroughputExceededException",
        message: rateExceeded(shardId, name),
      });
      advance(200);
      await shardIterator(name, shardId, "LATEST");
    });
  });
});
