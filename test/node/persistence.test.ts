/**
 * Durability of `npm start` itself: every record the service acknowledged is
 * there after a restart on the same data directory, exactly once, in order and
 * byte-exact, whether the server was stopped with SIGTERM or every one of its
 * processes was SIGKILLed while producers were writing.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import {
  createActiveStream,
  listShards,
  present,
  readShard,
  readToTip,
  shardIterator,
} from "./support/kinesis.js";
import {
  livingInGroups,
  type ProcessInfo,
  processTree,
  type StartedProcess,
  spawnStart,
} from "./support/process.js";
import { waitFor } from "./support/wait.js";

const STREAM = "durable";
const SHARDS = ["shardId-000000000000", "shardId-000000000001"];
const PRODUCERS = 4;
const BATCH = 50;
const ENV = { CREATE_STREAM_MS: "0", DELETE_STREAM_MS: "0" };

/** A record a producer sent: unique data, so it can be recognised wherever it turns up. */
interface Sent {
  producer: number;
  batch: number;
  data: Buffer;
}

/** A record the service acknowledged. */
interface Acked extends Sent {
  shardId: string;
  sequenceNumber: string;
}

interface Load {
  /** Every record sent, acknowledged or not, by its data (base64). */
  sent: Map<string, Sent>;
  /** Every record acknowledged, in the order the acknowledgements came. */
  acked: Acked[];
}

function newLoad(): Load {
  return { sent: new Map(), acked: [] };
}

/**
 * One producer: PutRecords of BATCH records, one request at a time, until it
 * has sent `batches` or a request fails. Only entries the service answered
 * with a shard and a sequence number count as acknowledged. Resolves with the
 * error that stopped it, if any.
 */
async function produce(
  client: KinesisClient,
  producer: number,
  batches: number,
  load: Load,
): Promise<unknown> {
  for (let batch = 0; batch < batches; batch++) {
    const records = Array.from({ length: BATCH }, (_, i) => ({
      producer,
      batch,
      data: Buffer.concat([Buffer.from(`p${producer}/b${batch}/r${i}/`), randomBytes(48)]),
    }));
    for (const record of records) {
      load.sent.set(record.data.toString("base64"), record);
    }
    let answer: PutRecordsCommandOutput;
    try {
      answer = await client.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          Records: records.map((r, i) => ({
            PartitionKey: `producer-${producer}-${i % 7}`,
            Data: r.data,
          })),
        }),
      );
    } catch (error) {
      return error;
    }
    (answer.Records ?? []).forEach((entry, i) => {
      const record = records[i];
      if (record && entry.ShardId !== undefined && entry.SequenceNumber !== undefined) {
        load.acked.push({
          ...record,
          shardId: entry.ShardId,
          sequenceNumber: entry.SequenceNumber,
        });
      }
    });
  }
  return undefined;
}

function bySequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

interface Stored {
  shardId: string;
  sequenceNumber: string;
  data: string;
}

/** Every record of the stream, shard by shard, in the order GetRecords returns them. */
async function readAll(client: KinesisClient): Promise<Stored[]> {
  const out: Stored[] = [];
  for (const shardId of SHARDS) {
    for (const record of await readShard(client, STREAM, shardId)) {
      out.push({
        shardId,
        sequenceNumber: present(record.SequenceNumber, "SequenceNumber"),
        data: Buffer.from(record.Data ?? new Uint8Array()).toString("base64"),
      });
    }
  }
  return out;
}

/**
 * What must hold of the stored records after a restart:
 * - each shard's records come in strictly rising sequence order;
 * - every stored record is one a producer sent, and none is there twice;
 * - every acknowledged record is there, at its shard and sequence number, byte-exact;
 * - each producer's acknowledged records rise in sequence within a shard in
 *   the order they were acknowledged.
 */
function checkDurable(stored: readonly Stored[], load: Load): void {
  for (const shardId of SHARDS) {
    const numbers = stored.filter((s) => s.shardId === shardId).map((s) => s.sequenceNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual([...numbers].sort(bySequence));
  }

  const strangers = stored.filter((s) => !load.sent.has(s.data));
  expect(strangers).toEqual([]);
  const seen = new Map<string, number>();
  for (const s of stored) {
    seen.set(s.data, (seen.get(s.data) ?? 0) + 1);
  }
  expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);

  const at = new Map(stored.map((s) => [`${s.shardId} ${s.sequenceNumber}`, s.data]));
  const missing = load.acked
    .filter((a) => at.get(`${a.shardId} ${a.sequenceNumber}`) !== a.data.toString("base64"))
    .map((a) => `${a.shardId} ${a.sequenceNumber} p${a.producer}/b${a.batch}`);
  expect(missing).toEqual([]);

  for (let producer = 0; producer < PRODUCERS; producer++) {
    for (const shardId of SHARDS) {
      const numbers = load.acked
        .filter((a) => a.producer === producer && a.shardId === shardId)
        .map((a) => a.sequenceNumber);
      expect(numbers).toEqual([...numbers].sort(bySequence));
    }
  }
}

/** The process groups of a started service: the supervisor's and serve.mjs's. */
async function groupsOf(started: StartedProcess): Promise<Set<number>> {
  return new Set((await processTree(started.pid)).map((p) => p.pgid));
}

async function noneLiving(groups: Iterable<number>): Promise<ProcessInfo[]> {
  const gone = await waitFor(
    async () => ((await livingInGroups(groups)).length === 0 ? true : undefined),
    { timeoutMs: 5_000, intervalMs: 25 },
  ).catch(() => false);
  return gone ? [] : livingInGroups(groups);
}

/**
 * After a restart: the stream is ACTIVE, and a new write to each shard gets a
 * sequence number above everything the shard held.
 */
async function checkWritable(client: KinesisClient, stored: readonly Stored[]): Promise<void> {
  const { StreamDescriptionSummary } = await client.send(
    new DescribeStreamSummaryCommand({ StreamName: STREAM }),
  );
  expect(StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
  const shards = await listShards(client, STREAM);
  expect(shards.map((s) => s.ShardId)).toEqual(SHARDS);
  const answer = await client.send(
    new PutRecordsCommand({
      StreamName: STREAM,
      Records: shards.map((s) => ({
        PartitionKey: "after-restart",
        ExplicitHashKey: present(s.HashKeyRange?.StartingHashKey, "StartingHashKey"),
        Data: Buffer.from(`after restart on ${s.ShardId}`),
      })),
    }),
  );
  expect(answer.FailedRecordCount).toBe(0);
  for (const [i, shardId] of SHARDS.entries()) {
    const entry = answer.Records?.[i];
    expect(entry?.ShardId).toBe(shardId);
    const newest = stored
      .filter((s) => s.shardId === shardId)
      .map((s) => s.sequenceNumber)
      .sort(bySequence)
      .at(-1);
    expect(BigInt(present(entry?.SequenceNumber, "SequenceNumber")) > BigInt(newest ?? "0")).toBe(
      true,
    );
    // And it reads back from there.
    const read = await readToTip(
      client,
      await shardIterator(client, STREAM, shardId, {
        at: present(entry?.SequenceNumber, "SequenceNumber"),
      }),
    );
    expect(read.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString())).toEqual([
      `after restart on ${shardId}`,
    ]);
  }
}

describe("npm start across restarts on the same data directory", () => {
  let dataDir: string;
  let running: StartedProcess | undefined;
  let clients: KinesisClient[] = [];

  function client(endpoint: string): KinesisClient {
    const made = kinesisClient(endpoint);
    clients.push(made);
    return made;
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tributary-durable-"));
  });

  afterEach(async () => {
    for (const made of clients) {
      made.destroy();
    }
    clients = [];
    if (running !== undefined) {
      const groups = await groupsOf(running);
      await running.kill("SIGTERM");
      await noneLiving(groups);
      running = undefined;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged record after a SIGTERM stop", async () => {
    const first = await spawnStart({ dataDir, env: ENV });
    running = first;
    const before = client(first.endpoint);
    await createActiveStream(before, STREAM, 2);

    const load = newLoad();
    const stoppedBy = await Promise.all(
      Array.from({ length: PRODUCERS }, (_, p) => produce(client(first.endpoint), p, 10, load)),
    );
    expect(stoppedBy).toEqual(Array.from({ length: PRODUCERS }, () => undefined));
    expect(load.acked).toHaveLength(PRODUCERS * 10 * BATCH);
    // An iterator issued before the stop; iterators live five minutes, restarts or not.
    const iterator = await shardIterator(before, STREAM, "shardId-000000000000", "TRIM_HORIZON");

    const groups = await groupsOf(first);
    await first.kill("SIGTERM");
    running = undefined;
    expect(await first.exited).toBe(0);
    expect(await noneLiving(groups)).toEqual([]);

    const second = await spawnStart({ dataDir, env: ENV });
    running = second;
    const after = client(second.endpoint);
    const stored = await readAll(after);
    checkDurable(stored, load);
    // Nothing was in flight at the stop, so the stream holds exactly what was acknowledged.
    expect(stored).toHaveLength(load.acked.length);

    const fromOldIterator = await readToTip(after, iterator);
    expect(fromOldIterator.map((r) => r.SequenceNumber)).toEqual(
      stored.filter((s) => s.shardId === "shardId-000000000000").map((s) => s.sequenceNumber),
    );

    await checkWritable(after, stored);
  });

  it("keeps every acknowledged record after every process of the service is SIGKILLed mid-load", async () => {
    const first = await spawnStart({ dataDir, env: ENV });
    running = first;
    await createActiveStream(client(first.endpoint), STREAM, 2);

    // The supervisor's group and serve.mjs's group (wrangler, workerd, esbuild).
    const groups = await groupsOf(first);
    expect(groups.has(first.pid)).toBe(true);
    expect(groups.size).toBeGreaterThan(1);
    const tree = await processTree(first.pid);
    expect(tree.some((p) => p.command.includes("workerd"))).toBe(true);

    // Producers that would go on far longer than the test waits.
    const load = newLoad();
    const producers = Array.from({ length: PRODUCERS }, (_, p) =>
      produce(client(first.endpoint), p, 1_000, load),
    );
    await waitFor(async () => (load.acked.length >= 20 * BATCH ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 5,
    });

    // Every group at once, so nothing gets the chance to stop gracefully.
    for (const pgid of new Set([...groups, ...(await groupsOf(first))])) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch (error) {
        if (!(error instanceof Error && "code" in error && error.code === "ESRCH")) {
          throw error;
        }
      }
    }
    running = undefined;
    expect(await first.exited).toBeNull();
    expect(await noneLiving(groups)).toEqual([]);

    // Every producer was still writing when the service died, and stopped on an error.
    const stoppedBy = await Promise.all(producers);
    for (const error of stoppedBy) {
      expect(error).toBeInstanceOf(Error);
    }
    const acknowledged = load.acked.length;
    expect(acknowledged).toBeGreaterThanOrEqual(20 * BATCH);
    expect(acknowledged).toBeLessThan(PRODUCERS * 1_000 * BATCH);

    const second = await spawnStart({ dataDir, env: ENV });
    running = second;
    const after = client(second.endpoint);
    const stored = await readAll(after);
    checkDurable(stored, load);
    // Records in flight at the kill may or may not have been kept; no more than those.
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged);
    expect(stored.length).toBeLessThanOrEqual(acknowledged + PRODUCERS * BATCH);

    await checkWritable(after, stored);
  });
});
