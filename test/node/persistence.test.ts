/**
 * Durability of `npm start` across a clean stop: after a SIGTERM and a restart
 * on the same data directory the stream holds exactly what was acknowledged,
 * in order and byte-exact, an iterator issued before the stop still reads, and
 * new writes are numbered above everything before. (Crashes, with every
 * process SIGKILLed mid-load, are crash-durability.test.ts.)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import {
  Ledger,
  probeEveryShard,
  produce,
  readStream,
  seededRandom,
} from "./support/durability.js";
import { createActiveStream, listShards, readToTip, shardIterator } from "./support/kinesis.js";
import {
  type StartedProcess,
  serviceGroups,
  spawnStart,
  stopService,
  survivors,
} from "./support/process.js";

const STREAM = "durable";
const PRODUCERS = 4;
const REQUESTS = 12;
// Producers write as fast as they can; limits are tested elsewhere.
const ENV = { CREATE_STREAM_MS: "0", DELETE_STREAM_MS: "0", KINESIS_LIMITS: "off" };

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
      await stopService(running);
      running = undefined;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged record after a SIGTERM stop", async () => {
    const first = await spawnStart({ dataDir, env: ENV });
    running = first;
    const before = client(first.endpoint);
    await createActiveStream(before, STREAM, 2);
    const shards = await listShards(before, STREAM);

    const ledger = new Ledger();
    await Promise.all(
      Array.from({ length: PRODUCERS }, (_, producer) =>
        produce({
          client: client(first.endpoint),
          stream: STREAM,
          producer,
          ledger,
          random: seededRandom(producer + 1),
          requests: REQUESTS,
        }),
      ),
    );
    expect(ledger.errors).toEqual([]);
    expect(ledger.unknown.size).toBe(0);
    expect(ledger.acked.size).toBe(ledger.sent.size - ledger.rejected.size);
    expect(ledger.acked.size).toBeGreaterThan(0);
    // An iterator issued before the stop; iterators live five minutes, restarts or not.
    const iterator = await shardIterator(before, STREAM, "shardId-000000000000", "TRIM_HORIZON");

    const groups = await serviceGroups(first);
    expect(groups.size).toBeGreaterThan(1);
    await first.kill("SIGTERM");
    running = undefined;
    expect(await first.exited).toBe(0);
    expect(await survivors(groups)).toEqual([]);

    const second = await spawnStart({ dataDir, env: ENV });
    running = second;
    const after = client(second.endpoint);
    const { StreamDescriptionSummary } = await after.send(
      new DescribeStreamSummaryCommand({ StreamName: STREAM }),
    );
    expect(StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
    expect(await listShards(after, STREAM)).toEqual(shards);

    const contents = await readStream(after, STREAM, shards);
    // Nothing was in flight at the stop, so the stream holds exactly what was acknowledged.
    expect(ledger.check(contents, shards)).toEqual({ problems: [], extra: 0 });

    const fromOldIterator = await readToTip(after, iterator);
    expect(fromOldIterator.map((r) => r.SequenceNumber)).toEqual(
      (contents.get("shardId-000000000000") ?? []).map((s) => s.sequenceNumber),
    );

    ledger.restarted(contents);
    expect(await probeEveryShard(after, STREAM, shards, ledger)).toEqual([]);
  });
});
