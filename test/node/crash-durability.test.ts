/**
 * Crash durability of `npm start`: while eight producers write, every process
 * of the service (the command's process group, with the front, and the
 * runtime's, with Miniflare and workerd) is SIGKILLed at a random moment, so nothing shuts down
 * gracefully. After a restart on the same data directory every acknowledged
 * record is there exactly once, at the shard and sequence number it was
 * acknowledged with, in order and byte-exact; anything more is only records
 * whose request was in flight at the kill. Then the producers write again and
 * the service is killed a second time, and all of that holds across both
 * crashes. Writes after each restart are numbered above everything before.
 *
 * The kill moments and the producers' choices come from one seed, printed
 * with any failure; CRASH_SEED=<n> replays the choices (not the timing).
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
import { createActiveStream, listShards } from "./support/kinesis.js";
import {
  listProcesses,
  processTree,
  type StartedProcess,
  serviceGroups,
  signalGroups,
  spawnStart,
  stopService,
  survivors,
} from "./support/process.js";
import { waitFor } from "./support/wait.js";

const STREAM = "crash";
const SHARDS = 4;
const PRODUCERS = 8;
const CYCLES = 2;
/** Each kill comes after this many acknowledgements of the cycle, plus up to KILL_SPREAD more. */
const KILL_AFTER = 2_000;
const KILL_SPREAD = 8_000;
// A load test: throughput limits would only slow the producers down.
const ENV = { CREATE_STREAM_MS: "0", DELETE_STREAM_MS: "0", KINESIS_LIMITS: "off" };
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));

/** The end of what the service printed, for a failure message. */
function tail(started: StartedProcess): string {
  return started.output().slice(-4_000);
}

describe("npm start SIGKILLed mid-load, twice", () => {
  let dataDir: string;
  let running: StartedProcess | undefined;
  let clients: KinesisClient[] = [];

  function client(endpoint: string): KinesisClient {
    const made = kinesisClient(endpoint);
    clients.push(made);
    return made;
  }

  async function start(): Promise<StartedProcess> {
    running = await spawnStart({ dataDir, env: ENV });
    return running;
  }

  /**
   * The service's processes and process groups: the command's group and
   * the runtime's, which holds Miniflare and workerd.
   */
  async function processesOf(started: StartedProcess): Promise<{
    pids: Set<number>;
    groups: Set<number>;
  }> {
    const tree = await processTree(started.pid);
    expect(tree.some((p) => p.command.includes("workerd"))).toBe(true);
    const groups = await serviceGroups(started);
    expect(groups.has(started.pid)).toBe(true);
    expect(groups.size).toBeGreaterThan(1);
    return { pids: new Set(tree.map((p) => p.pid)), groups };
  }

  /** Checks that nothing of a SIGKILLed service lives on, in its groups or elsewhere. */
  async function checkDead(
    started: StartedProcess,
    { pids, groups }: { pids: Set<number>; groups: Set<number> },
  ): Promise<void> {
    running = undefined;
    expect(await started.exited).toBeNull();
    expect(await survivors(groups)).toEqual([]);
    const living = await listProcesses();
    expect(living.filter((p) => pids.has(p.pid) && p.state !== "Z")).toEqual([]);
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tributary-crash-"));
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

  it("keeps every acknowledged record exactly once, and nothing nobody sent", {
    timeout: 120_000,
  }, async () => {
    const seed = `CRASH_SEED=${SEED}`;
    const random = seededRandom(SEED);
    const ledger = new Ledger();

    let service = await start();
    await createActiveStream(client(service.endpoint), STREAM, SHARDS);
    const shards = await listShards(client(service.endpoint), STREAM);
    expect(shards).toHaveLength(SHARDS);

    let extraBefore = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const endpoint = service.endpoint;
      const producers = Promise.all(
        Array.from({ length: PRODUCERS }, (_, producer) =>
          produce({
            client: client(endpoint),
            stream: STREAM,
            producer,
            ledger,
            random: seededRandom(Math.floor(random() * 2 ** 32)),
          }),
        ),
      );

      // A random moment once enough is acknowledged, with every producer still writing.
      const processes = await processesOf(service);
      const killAfter = KILL_AFTER + Math.floor(random() * KILL_SPREAD);
      await Promise.race([
        waitFor(async () => (ledger.ackedThisCycle() >= killAfter ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 5,
        }),
        producers.then(() => {
          throw new Error(`every producer stopped: ${JSON.stringify(ledger.errors)}`);
        }),
      ]);
      // Both groups, back to back, the runtime's (Miniflare, workerd) first: nothing stops
      // gracefully, and the data directory's lock is left behind for the restart to take over.
      ledger.stopping = true;
      signalGroups([...processes.groups].reverse(), "SIGKILL");
      const activeAtKill = ledger.active;
      await checkDead(service, processes);

      // Every producer was writing, and ends on the error of a service that is gone.
      await producers;
      expect(ledger.unexpectedErrors(), seed).toEqual([]);
      expect(activeAtKill).toBe(PRODUCERS);
      expect(ledger.active).toBe(0);
      expect(ledger.errors.filter((e) => e.cycle === cycle)).toHaveLength(PRODUCERS);
      const acknowledged = ledger.ackedThisCycle();
      const inFlight = [...ledger.unknown].filter((id) => id.startsWith(`c${cycle}-`)).length;

      service = await start();
      const after = client(service.endpoint);
      const { StreamDescriptionSummary } = await after.send(
        new DescribeStreamSummaryCommand({ StreamName: STREAM }),
      );
      expect(StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
      expect(await listShards(after, STREAM)).toEqual(shards);

      const contents = await readStream(after, STREAM, shards);
      const { problems, extra } = ledger.check(contents, shards);
      expect(problems, `${seed}, after crash ${cycle}`).toEqual([]);
      ledger.restarted(contents);
      const probed = await probeEveryShard(after, STREAM, shards, ledger);
      expect(probed, `${seed}, after crash ${cycle}; the service said:\n${tail(service)}`).toEqual(
        [],
      );

      const stored = [...contents.values()].reduce((n, records) => n + records.length, 0);
      console.log(
        `crash ${cycle} (${seed}): killed at ${acknowledged} acknowledged records of this run, ` +
          `${inFlight} in flight, ${extra - extraBefore} of those kept; ${stored} records in the stream`,
      );
      extraBefore = extra;
    }
  });
});
