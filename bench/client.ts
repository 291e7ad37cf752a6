/**
 * The benchmark's load generator. bench/run.ts runs this file in a child Node
 * process for every (workload, target) pair, so the client never shares a CPU
 * with a second target's load and starts with cold connections every time. It
 * receives one job over IPC, runs it against the job's endpoint with the AWS
 * SDK, sends back one result message and exits.
 *
 * Every job bounds itself (job.timeoutMs) and exits when its parent goes away.
 * The job and the reply are bench/jobs.ts's.
 *
 * @example
 * child.send({ kind: "put", endpoint, stream: "put-1k-s4-b1024", shards: 4, recordBytes: 1024, ... });
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import {
  type DrainJob,
  type DrainResult,
  decodeJob,
  type ErrorSummary,
  type Job,
  type LatencyJob,
  type LatencyResult,
  type LatencySummary,
  type PutJob,
  type PutResult,
  type Reply,
} from "./jobs.ts";
import { kinesisClient, waitForStream } from "./support/kinesis.ts";

/** PutRecords: at most 500 records and 5 MiB of data and partition keys. */
const MAX_BATCH_RECORDS = 500;
const MAX_BATCH_BYTES = 5 * 1024 * 1024;
const PARTITION_KEY_LENGTH = 16;
const MIB = 1024 * 1024;

/**
 * Nearest-rank percentile of an ascending array.
 *
 * @example
 * percentile([1, 2, 3, 4], 0.5); // 2
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    count: list.length,
    p50: round(percentile(list, 0.5)),
    p90: round(percentile(list, 0.9)),
    p99: round(percentile(list, 0.99)),
    max: round(list.at(-1) ?? null),
  };
}

/** Collects errors: a count and the first few distinct messages, verbatim. */
class Errors {
  count = 0;
  samples: string[] = [];

  add(error: unknown): void {
    this.count++;
    const text =
      error instanceof Error
        ? `${error.name}: ${error.message}${"$metadata" in error ? ` ${JSON.stringify(error.$metadata)}` : ""}`
        : String(error);
    if (this.samples.length < 5 && !this.samples.includes(text)) {
      this.samples.push(text);
    }
  }

  summary(): ErrorSummary {
    return { count: this.count, samples: this.samples };
  }
}

/** Creates the stream and waits until it is ACTIVE. */
async function createStream(
  client: KinesisClient,
  StreamName: string,
  ShardCount: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName, ShardCount }));
  await waitForStream(client, StreamName, "ACTIVE", { timeoutMs: 30_000, pollMs: 10 });
}

/**
 * Deletes the stream, so a target does not carry one workload's data into
 * the next; a failure is reported, not fatal.
 */
async function deleteStream(client: KinesisClient, StreamName: string): Promise<string | null> {
  try {
    await client.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
    return null;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

async function listShardIds(client: KinesisClient, StreamName: string): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const out = await client.send(
      new ListShardsCommand(NextToken === undefined ? { StreamName } : { NextToken }),
    );
    for (const shard of out.Shards ?? []) {
      if (shard.ShardId !== undefined) {
        ids.push(shard.ShardId);
      }
    }
    NextToken = out.NextToken;
  } while (NextToken !== undefined);
  return ids;
}

function partitionKeys(count: number): string[] {
  return Array.from({ length: count }, () => randomBytes(PARTITION_KEY_LENGTH / 2).toString("hex"));
}

/**
 * Records per PutRecords call: 500, or as many as fit 5 MiB with their keys.
 *
 * @example
 * batchSize(1024 * 1024); // 4
 */
export function batchSize(recordBytes: number): number {
  return Math.max(
    1,
    Math.min(MAX_BATCH_RECORDS, Math.floor(MAX_BATCH_BYTES / (recordBytes + PARTITION_KEY_LENGTH))),
  );
}

/**
 * Builds batches of `size` records of one payload, cycling through a pool of
 * random partition keys so that the records spread over the shards.
 */
function batchMaker(recordBytes: number) {
  const data = randomBytes(recordBytes);
  const keys = partitionKeys(4096);
  let next = 0;
  return (size: number) =>
    Array.from({ length: size }, () => {
      next = (next + 1) % keys.length;
      return { Data: data, PartitionKey: keys[next] ?? "" };
    });
}

async function put(job: PutJob): Promise<PutResult> {
  const client = kinesisClient(job.endpoint, { maxSockets: job.producers });
  try {
    await createStream(client, job.stream, job.shards);
    const size = batchSize(job.recordBytes);
    const makeBatch = batchMaker(job.recordBytes);
    const errors = new Errors();
    const latencies: number[] = [];
    let calls = 0;
    let records = 0;
    let failedRecords = 0;
    let warmupRecords = 0;
    const start = performance.now();
    const measureFrom = start + job.warmupSeconds * 1000;
    const measureTo = measureFrom + job.seconds * 1000;
    await Promise.all(
      Array.from({ length: job.producers }, async () => {
        while (performance.now() < measureTo) {
          const Records = makeBatch(size);
          const t0 = performance.now();
          try {
            const out = await client.send(
              new PutRecordsCommand({ StreamName: job.stream, Records }),
            );
            const t1 = performance.now();
            const failed = out.FailedRecordCount ?? 0;
            failedRecords += failed;
            if (t1 >= measureFrom && t1 <= measureTo) {
              calls++;
              records += size - failed;
              latencies.push(t1 - t0);
            } else if (t1 < measureFrom) {
              warmupRecords += size - failed;
            }
          } catch (error) {
            errors.add(error);
            await sleep(100);
          }
        }
      }),
    );
    const deleteError = await deleteStream(client, job.stream);
    return {
      recordBytes: job.recordBytes,
      batchRecords: size,
      seconds: job.seconds,
      calls,
      records,
      warmupRecords,
      recordsPerSecond: records / job.seconds,
      mibPerSecond: (records * job.recordBytes) / MIB / job.seconds,
      callLatencyMs: summarize(latencies),
      failedRecords,
      errors: errors.summary(),
      deleteError,
    };
  } finally {
    client.destroy();
  }
}

async function drain(job: DrainJob): Promise<DrainResult> {
  const client = kinesisClient(job.endpoint, { maxSockets: job.producers });
  try {
    await createStream(client, job.stream, job.shards);

    // Load exactly job.records records with the PutRecords workload's client.
    const size = batchSize(job.recordBytes);
    const makeBatch = batchMaker(job.recordBytes);
    const loadErrors = new Errors();
    let unassigned = job.records;
    let written = 0;
    let failedRecords = 0;
    const loadStart = performance.now();
    await Promise.all(
      Array.from({ length: job.producers }, async () => {
        while (unassigned > 0) {
          const count = Math.min(size, unassigned);
          unassigned -= count;
          try {
            const out = await client.send(
              new PutRecordsCommand({ StreamName: job.stream, Records: makeBatch(count) }),
            );
            failedRecords += out.FailedRecordCount ?? 0;
            written += count - (out.FailedRecordCount ?? 0);
          } catch (error) {
            loadErrors.add(error);
            await sleep(100);
          }
        }
      }),
    );
    const loadSeconds = (performance.now() - loadStart) / 1000;

    // Drain every shard in parallel from TRIM_HORIZON until caught up: an
    // empty page with MillisBehindLatest 0 (or a closed shard's end).
    const readErrors = new Errors();
    const latencies: number[] = [];
    let read = 0;
    let readBytes = 0;
    let calls = 0;
    const drainStart = performance.now();
    const shardIds = await listShardIds(client, job.stream);
    await Promise.all(
      shardIds.map(async (ShardId) => {
        const first = await client.send(
          new GetShardIteratorCommand({
            StreamName: job.stream,
            ShardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        );
        let iterator: string | undefined = first.ShardIterator;
        while (iterator !== undefined) {
          const t0 = performance.now();
          const out = await client
            .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: job.limit }))
            .catch((error: unknown) => {
              readErrors.add(error);
              return undefined;
            });
          if (out === undefined) {
            // A failed read ends this shard's drain; the count check reports it.
            return;
          }
          latencies.push(performance.now() - t0);
          calls++;
          const records = out.Records ?? [];
          read += records.length;
          for (const record of records) {
            readBytes += record.Data?.length ?? 0;
          }
          if (records.length === 0 && (out.MillisBehindLatest ?? 0) === 0) {
            return;
          }
          iterator = out.NextShardIterator;
        }
      }),
    );
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const deleteError = await deleteStream(client, job.stream);
    return {
      recordBytes: job.recordBytes,
      limit: job.limit,
      load: {
        records: written,
        failedRecords,
        seconds: loadSeconds,
        recordsPerSecond: written / loadSeconds,
        errors: loadErrors.summary(),
      },
      shards: shardIds.length,
      written,
      read,
      readBytes,
      verified: read === written && written === job.records,
      calls,
      seconds: drainSeconds,
      recordsPerSecond: read / drainSeconds,
      mibPerSecond: readBytes / MIB / drainSeconds,
      callLatencyMs: summarize(latencies),
      errors: readErrors.summary(),
      deleteError,
    };
  } finally {
    client.destroy();
  }
}

async function latency(job: LatencyJob): Promise<LatencyResult> {
  // Two clients, so that neither side waits in the other's queue of the HTTP
  // agent: the pollers get one connection each, and the producer, which sends
  // on a schedule without waiting for the previous call, gets job.producers
  // connections (a put that finds them all busy waits, and that wait counts).
  const client = kinesisClient(job.endpoint, { maxSockets: job.shards });
  const putClient = kinesisClient(job.endpoint, { maxSockets: job.producers });
  try {
    await createStream(client, job.stream, job.shards);
    const shardIds = await listShardIds(client, job.stream);
    const iterators = await Promise.all(
      shardIds.map(async (ShardId) => {
        const out = await client.send(
          new GetShardIteratorCommand({
            StreamName: job.stream,
            ShardId,
            ShardIteratorType: "LATEST",
          }),
        );
        return out.ShardIterator;
      }),
    );

    const putErrors = new Errors();
    const readErrors = new Errors();
    /** Send time (performance.now()) of every record put, by its index. */
    const sentAt: number[] = [];
    const putLatencies: number[] = [];
    const latencies: number[] = [];
    const seen = new Set<number>();
    let firstMeasured = Number.POSITIVE_INFINITY;
    let getRecordsCalls = 0;
    const getLatencies: number[] = [];
    let polling = true;

    const interval = 1000 / job.rate;
    const start = performance.now();
    const measureFrom = start + job.warmupSeconds * 1000;
    const stopAt = measureFrom + job.seconds * 1000;

    const pollers = iterators.map(async (first) => {
      let iterator = first;
      while (polling && iterator !== undefined) {
        const t0 = performance.now();
        const out = await client
          .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }))
          .catch((error: unknown) => {
            readErrors.add(error);
            return undefined;
          });
        const now = performance.now();
        if (out === undefined) {
          await sleep(100);
          continue;
        }
        getRecordsCalls++;
        if (t0 >= measureFrom) getLatencies.push(now - t0);
        for (const record of out.Records ?? []) {
          const data = record.Data;
          if (data === undefined || data.length < 12) {
            continue;
          }
          const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
          const index = view.getUint32(8, true);
          if (seen.has(index)) {
            continue;
          }
          seen.add(index);
          if (index >= firstMeasured) {
            latencies.push(now - view.getFloat64(0, true));
          }
        }
        iterator = out.NextShardIterator;
      }
    });

    const inFlight: Promise<void>[] = [];
    for (let index = 0; ; index++) {
      const due = start + index * interval;
      if (due >= stopAt) {
        break;
      }
      const wait = due - performance.now();
      if (wait > 0) {
        await sleep(wait);
      }
      const data = new Uint8Array(16);
      const view = new DataView(data.buffer);
      const t0 = performance.now();
      if (t0 >= measureFrom && firstMeasured === Number.POSITIVE_INFINITY) {
        firstMeasured = index;
      }
      view.setFloat64(0, t0, true);
      view.setUint32(8, index, true);
      sentAt[index] = t0;
      inFlight.push(
        putClient
          .send(
            new PutRecordCommand({
              StreamName: job.stream,
              PartitionKey: `key-${index}`,
              Data: data,
            }),
          )
          .then(
            () => {
              if (t0 >= measureFrom) putLatencies.push(performance.now() - t0);
            },
            (error: unknown) => putErrors.add(error),
          ),
      );
    }
    const produceSeconds = (performance.now() - start) / 1000;
    await Promise.all(inFlight);

    // Wait for the stragglers (bounded), then stop the pollers. A target that
    // stores nothing (the ceiling) delivers nothing to wait for.
    const expected = sentAt.length - Math.min(firstMeasured, sentAt.length);
    const waitUntil = performance.now() + 5_000;
    while (job.delivers && latencies.length < expected && performance.now() < waitUntil) {
      await sleep(20);
    }
    polling = false;
    await Promise.all(pollers);
    const deleteError = await deleteStream(client, job.stream);
    return {
      rate: job.rate,
      seconds: job.seconds,
      sent: sentAt.length,
      achievedRate: sentAt.length / produceSeconds,
      measured: expected,
      received: job.delivers ? latencies.length : null,
      missing: job.delivers ? expected - latencies.length : null,
      latencyMs: job.delivers ? summarize(latencies) : null,
      putCallLatencyMs: summarize(putLatencies),
      getRecordsCallLatencyMs: summarize(getLatencies),
      getRecordsCallsPerSecond: getRecordsCalls / ((performance.now() - start) / 1000),
      putErrors: putErrors.summary(),
      readErrors: readErrors.summary(),
      deleteError,
    };
  } finally {
    client.destroy();
    putClient.destroy();
  }
}

function run(job: Job): Promise<PutResult | DrainResult | LatencyResult> {
  switch (job.kind) {
    case "put":
      return put(job);
    case "drain":
      return drain(job);
    case "latency":
      return latency(job);
  }
}

function reply(message: Reply<PutResult | DrainResult | LatencyResult>): void {
  if (process.send === undefined) {
    console.log(JSON.stringify(message, null, 2));
    process.exit(0);
  }
  process.send(message, () => process.exit(0));
}

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

if (process.send !== undefined) {
  process.on("disconnect", () => process.exit(1));
  process.once("message", (message: unknown) => {
    let job: Job;
    try {
      job = decodeJob(message, "job");
    } catch (error) {
      reply({ ok: false, error: describe(error) });
      return;
    }
    setTimeout(() => {
      console.error(`bench client: the ${job.kind} job did not finish in ${job.timeoutMs} ms`);
      process.exit(3);
    }, job.timeoutMs).unref();
    run(job).then(
      (result) => reply({ ok: true, result }),
      (error: unknown) => reply({ ok: false, error: describe(error) }),
    );
  });
}
