/**
 * Resharding under load: producers keep writing while shards split, merge and
 * the stream scales up and down. Afterwards every acknowledged record is read
 * back exactly once by following the lineage (parents before children,
 * through ChildShards), each partition key's records in the order they were
 * acknowledged, and no call failed along the way, a reader's included.
 */
import {
  type KinesisClient,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import {
  createActiveStream,
  getRecords,
  listShards,
  openShardsInOrder,
  readLineage,
  shardIterator,
  waitForActive,
} from "./support/kinesis.js";
import { type Service, startService } from "./support/service.js";

const STREAM = "reshard-under-load";
const PRODUCERS = 4;
const KEYS_PER_PRODUCER = 8;
const BATCH = 40;

let service: Service;
let client: KinesisClient;

beforeAll(async () => {
  service = await startService();
  client = kinesisClient(service.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

interface Acked {
  key: string;
  data: string;
  sequenceNumber: string;
}

describe("resharding while producers write", () => {
  it("loses, duplicates and reorders nothing acknowledged, and no call fails", async () => {
    await createActiveStream(client, STREAM, 2);
    const acked: Acked[] = [];
    const errors: unknown[] = [];
    let writing = true;

    // Each producer sends batches back to back; a key's records carry a
    // counter, so order per key can be checked after.
    const producers = Array.from({ length: PRODUCERS }, async (_, p) => {
      const counters = new Array<number>(KEYS_PER_PRODUCER).fill(0);
      while (writing) {
        const batch = Array.from({ length: BATCH }, (_, i) => {
          const k = (i * 7 + p) % KEYS_PER_PRODUCER;
          const key = `p${p}-k${k}`;
          const n = counters[k] ?? 0;
          counters[k] = n + 1;
          return { key, data: `${key}#${n}` };
        });
        try {
          const out = await client.send(
            new PutRecordsCommand({
              StreamName: STREAM,
              Records: batch.map((r) => ({
                PartitionKey: r.key,
                Data: new TextEncoder().encode(r.data),
              })),
            }),
          );
          if ((out.FailedRecordCount ?? 0) > 0) {
            errors.push(new Error(`${out.FailedRecordCount} records failed`));
            return;
          }
          out.Records?.forEach((entry, i) => {
            const sent = batch[i];
            if (sent && entry.SequenceNumber) {
              acked.push({ key: sent.key, data: sent.data, sequenceNumber: entry.SequenceNumber });
            }
          });
        } catch (error) {
          errors.push(error);
          return;
        }
      }
    });

    // A reader meanwhile, as a consumer would: it lists the shards, takes an
    // iterator of each and reads a page, over and over. None of its calls may
    // fail while shards close and open under it.
    let readPages = 0;
    const reader = (async () => {
      while (writing && errors.length === 0) {
        try {
          for (const shard of await listShards(client, STREAM)) {
            const iterator = await shardIterator(client, STREAM, shard.ShardId ?? "", "LATEST");
            await getRecords(client, iterator);
            readPages++;
          }
        } catch (error) {
          errors.push(error);
        }
      }
    })();

    const ackedSoon = async (n: number) => {
      const target = acked.length + n;
      while (acked.length < target && errors.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    /** Sends a reshard, waits for the stream to be ACTIVE, then for more writes. */
    const reshard = async (send: () => Promise<unknown>) => {
      await send();
      await waitForActive(client, STREAM);
      await ackedSoon(400);
    };

    await ackedSoon(400);
    const [first] = await openShardsInOrder(client, STREAM);
    const mid =
      (BigInt(first?.HashKeyRange?.StartingHashKey ?? 0) +
        BigInt(first?.HashKeyRange?.EndingHashKey ?? 0)) /
      2n;
    await reshard(() =>
      client.send(
        new SplitShardCommand({
          StreamName: STREAM,
          ShardToSplit: first?.ShardId,
          NewStartingHashKey: mid.toString(),
        }),
      ),
    );
    const [low, high] = await openShardsInOrder(client, STREAM);
    await reshard(() =>
      client.send(
        new MergeShardsCommand({
          StreamName: STREAM,
          ShardToMerge: low?.ShardId,
          AdjacentShardToMerge: high?.ShardId,
        }),
      ),
    );
    for (const TargetShardCount of [4, 3]) {
      await reshard(() =>
        client.send(
          new UpdateShardCountCommand({
            StreamName: STREAM,
            TargetShardCount,
            ScalingType: "UNIFORM_SCALING",
          }),
        ),
      );
    }
    writing = false;
    await Promise.all([...producers, reader]);

    expect(errors).toEqual([]);
    expect((await openShardsInOrder(client, STREAM)).length).toBe(3);
    const read = await readLineage(client, STREAM);
    const readData = read.map((r) => new TextDecoder().decode(r.record.Data));
    // Exactly once: the same multiset of records, and nothing unacknowledged.
    expect([...readData].sort()).toEqual(acked.map((a) => a.data).sort());
    expect(new Set(readData).size).toBe(readData.length);
    // Each key's records in the order they were acknowledged.
    const byKey = new Map<string, number[]>();
    for (const data of readData) {
      const [key, n] = data.split("#");
      const list = byKey.get(key ?? "") ?? [];
      list.push(Number(n));
      byKey.set(key ?? "", list);
    }
    for (const [key, counters] of byKey) {
      expect(counters, key).toEqual(counters.map((_, i) => i));
    }
    expect(acked.length).toBeGreaterThan(2000);
    expect(readPages).toBeGreaterThan(10);
  });
});
