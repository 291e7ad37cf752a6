/**
 * `npm run soak -- --minutes N`: a long steady load against the service, to
 * find what only time shows (memory growth, slow leaks of iterators or
 * connections, errors that come once in a thousand requests). Not part of
 * `npm test`.
 *
 * It starts the service the way `npm start` does (bench/support/service.ts:
 * the service command in a process group of its own, which runs its runtime
 * in another), on a fresh temporary data directory unless --data-dir names
 * one, and then for N minutes runs:
 * - PutRecords producers and PutRecord producers at a steady rate; every
 *   record carries a unique id;
 * - a GetRecords poller following every shard from TRIM_HORIZON, checking
 *   that each record it reads was acknowledged at that shard and sequence
 *   number, once, in order;
 * - every few seconds GetShardIterator, DescribeStreamSummary, ListShards and
 *   ListStreams;
 * - every so often, a scratch stream created, written to and deleted.
 *
 * Every --interval seconds it prints one line: elapsed time, operations per
 * second by operation, errors by name, records written and read, the read
 * backlog, and the resident memory of the service (VmRSS summed over every
 * process of its process groups). At the end it waits for the pollers to
 * catch up and prints a summary: totals, errors by name, memory min/max/last
 * and the memory trend (a linear fit over the second half of the run).
 *
 * Exit status: 0 if nothing but throttling went wrong and every acknowledged
 * record was read back; 1 otherwise; 130 or 143 if interrupted. Whatever the
 * way out (the end, an error, Ctrl-C, SIGTERM, SIGHUP), it stops the service
 * and everything of its process groups, and removes the temporary data
 * directory it made.
 *
 * @example
 * npm run soak -- --minutes 60 --rate 2000
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis";
import { memoryOfGroups } from "../local/processes.ts";
import { freePort } from "./support/free-port.ts";
import { kinesisClient, StreamWaitTimeout, waitForStream } from "./support/kinesis.ts";
import type { ServerProcess } from "./support/server-process.ts";
import { READY_LINE, serviceReady, spawnService, stopService } from "./support/service.ts";

const USAGE = `usage: npm run soak -- [options]

  --minutes N            how long to run the load (default 5)
  --data-dir DIR         the service's data directory (default: a new temporary one, removed at the end)
  --port N               the port to serve on (default: a free one)
  --interval S           seconds between progress lines (default 10)
  --shards N             shards of the soak stream (default 4)
  --rate N               records per second sent with PutRecords (default 500)
  --batch N              records per PutRecords request (default 50)
  --put-record-rate N    PutRecord requests per second (default 20)
  --admin-every S        seconds between rounds of GetShardIterator, DescribeStreamSummary,
                         ListShards and ListStreams (default 2)
  --scratch-every S      seconds between create-then-delete cycles of a scratch stream (default 30)
  --drain-seconds S      at the end, how long the pollers may take to read everything (default 60)
  --help`;

/** Errors that mean "slow down"; anything else is unexpected. */
const THROTTLES = new Set(["ProvisionedThroughputExceededException", "LimitExceededException"]);
const STREAM = "soak";
/** A poller's GetRecords calls are at least this far apart: 4 a second, under Kinesis' 5 per shard. */
const POLL_PERIOD_MS = 250;
/** The operations, in the order the progress lines show them. */
const OPERATIONS = [
  "PutRecords",
  "PutRecord",
  "GetRecords",
  "GetShardIterator",
  "DescribeStreamSummary",
  "ListShards",
  "ListStreams",
  "CreateStream",
  "DeleteStream",
];
/** The separator between a record's id and its random payload. */
const SEPARATOR = 0x3b;

// ---------------------------------------------------------------- options

function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  { integer = false, min = 0 }: { integer?: boolean; min?: number } = {},
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    console.error(`soak: --${name} must be ${integer ? "an integer" : "a number"} >= ${min}`);
    console.error(USAGE);
    process.exit(2);
  }
  return value;
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        minutes: { type: "string" },
        "data-dir": { type: "string" },
        port: { type: "string" },
        interval: { type: "string" },
        shards: { type: "string" },
        rate: { type: "string" },
        batch: { type: "string" },
        "put-record-rate": { type: "string" },
        "admin-every": { type: "string" },
        "scratch-every": { type: "string" },
        "drain-seconds": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    console.error(USAGE);
    process.exit(2);
  }
}

const values = parseFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const options = {
  minutes: numberOption("minutes", values.minutes, 5, { min: 0.05 }),
  dataDir: values["data-dir"],
  port: numberOption("port", values.port, 0, { integer: true }),
  intervalS: numberOption("interval", values.interval, 10, { min: 1 }),
  shards: numberOption("shards", values.shards, 4, { integer: true, min: 1 }),
  rate: numberOption("rate", values.rate, 500),
  batch: numberOption("batch", values.batch, 50, { integer: true, min: 1 }),
  putRecordRate: numberOption("put-record-rate", values["put-record-rate"], 20),
  adminEveryS: numberOption("admin-every", values["admin-every"], 2, { min: 0.1 }),
  scratchEveryS: numberOption("scratch-every", values["scratch-every"], 30, { min: 1 }),
  drainS: numberOption("drain-seconds", values["drain-seconds"], 60, { min: 1 }),
};
if (options.batch > 500) {
  console.error("soak: --batch is at most 500 (PutRecords' limit)");
  process.exit(2);
}

// ---------------------------------------------------------------- the service

/** The service, once spawned. Its groups stay known after the process that led one is gone. */
let service: ServerProcess | undefined;
/** Set once the service has been told to stop (or is gone). */
let serviceStopping = false;
/** The data directory this run made, to remove at the end. */
let madeDataDir: string | undefined;
/** Load tasks stop when this aborts. */
const load = new AbortController();
/** Why the run ended early. */
let fatal: string | undefined;

/**
 * The resident memory (VmRSS) of every process of the service's groups, in
 * bytes, by a label such as "workerd 1234" or "node runtime.ts 1200".
 */
function serviceRss(): Map<string, number> {
  const byProcess = new Map<string, number>();
  if (service === undefined) return byProcess;
  for (const p of memoryOfGroups(service.groups)) {
    byProcess.set(`${p.label} ${p.pid}`, p.rssBytes);
  }
  return byProcess;
}

/**
 * Starts the service and resolves with the endpoint it prints. What it says
 * after that (but the data directory's line) is relayed to stderr.
 */
async function startService(dataDir: string, port: number): Promise<string> {
  const child = spawnService({ port, dataDir });
  service = child;
  let ready = false;
  child.onLine((line, from) => {
    if (from === "stdout" && !ready) {
      ready = READY_LINE.test(line);
      return;
    }
    if (line.trim() !== "" && !line.startsWith("Stream data is stored in")) {
      console.error(`  service | ${line}`);
    }
  });
  void child.exited.then(({ code, signal }) => {
    if (ready && !serviceStopping) {
      fatal ??= `the service exited on its own (${signal ?? code})`;
      load.abort();
    }
  });
  return serviceReady(child, "the service");
}

/** Removes the temporary data directory, if this run made one. */
function removeDataDir() {
  if (madeDataDir !== undefined) {
    rmSync(madeDataDir, { recursive: true, force: true });
    madeDataDir = undefined;
  }
}

// Last resort on any way out: nothing of the service may outlive this process.
process.on("exit", () => {
  service?.killNow();
  removeDataDir();
});

let interrupted: NodeJS.Signals | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (interrupted !== undefined) {
      // A second signal: stop waiting for a clean stop.
      console.error(`soak: ${signal} again; killing the service`);
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    interrupted = signal;
    console.error(`soak: ${signal}; stopping`);
    load.abort();
  });
}
// Under `npm run`, a SIGTERM to npm alone may leave us orphaned: stop then too.
if (process.env.npm_lifecycle_event !== undefined) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      interrupted ??= "SIGHUP";
      load.abort();
    }
  }, 500);
  watch.unref();
}

// ---------------------------------------------------------------- accounting

/** Requests made, by operation, since the last line. */
const opsNow = new Map<string, number>();
/** Requests made, by operation, in all. */
const opsTotal = new Map<string, number>();
/** Errors by name (throttling included). */
const errors = new Map<string, number>();
/** Errors other than throttling. */
let unexpected = 0;

function bump(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** An error's AWS name, Node's code (ECONNRESET) or its class's name. */
function errorName(error: unknown): string {
  if (error instanceof KinesisServiceException) return error.name;
  if (error instanceof Error) {
    return "code" in error && typeof error.code === "string" ? error.code : error.name;
  }
  return "NonError";
}

/** Counts an error; throttling is expected, anything else is not. */
function countError(name: string, detail?: string): void {
  bump(errors, name);
  if (!THROTTLES.has(name)) {
    unexpected++;
    if ((errors.get(name) ?? 0) <= 3) {
      console.error(`soak: ${name}${detail === undefined ? "" : `: ${detail}`}`);
    }
  }
}

let client: KinesisClient;

/**
 * Makes one request, counting it by operation. Its error is counted unless
 * `expected` says the caller handles that one itself, and rethrown.
 */
async function call<T>(
  operation: string,
  request: () => Promise<T>,
  expected?: (name: string) => boolean,
): Promise<T> {
  bump(opsNow, operation);
  bump(opsTotal, operation);
  try {
    return await request();
  } catch (error) {
    const name = errorName(error);
    if (!expected?.(name)) {
      countError(name, `${operation}: ${error instanceof Error ? error.message : String(error)}`);
    }
    throw error;
  }
}

// The records: each carries a unique id; the pollers check them off.

let serial = 0;
let written = 0;
let readBack = 0;
/** Acknowledged, not yet read: id -> "shard seq". */
const unread = new Map<string, string>();
/** Read before its acknowledgement came: id -> "shard seq". */
const early = new Map<string, string>();
/** Ids whose request failed: not written (rejected) or unknown (no answer). */
const rejected = new Set<string>();
const unanswered = new Set<string>();
/** MillisBehindLatest of each shard's last read. */
const behind = new Map<string, number>();

function integrityError(what: string, detail: string): void {
  countError(what, detail);
}

function newRecord(): { id: string; data: Uint8Array } {
  const id = `r${serial++}`;
  const size = 16 + Math.floor(Math.random() * 1009);
  return { id, data: Buffer.concat([Buffer.from(`${id};`), randomBytes(size)]) };
}

function acknowledged(id: string, shardId: string, sequenceNumber: string): void {
  written++;
  const at = `${shardId} ${sequenceNumber}`;
  const seen = early.get(id);
  if (seen !== undefined) {
    early.delete(id);
    readBack++;
    if (seen !== at)
      integrityError("ReadElsewhere", `${id} acknowledged at ${at}, read at ${seen}`);
    return;
  }
  unread.set(id, at);
}

function read(
  shardId: string,
  record: { SequenceNumber?: string | undefined; Data?: Uint8Array | undefined },
): void {
  const data = record.Data ?? new Uint8Array();
  const end = data.indexOf(SEPARATOR);
  const id = end < 0 ? "" : Buffer.from(data.subarray(0, end)).toString("latin1");
  const at = `${shardId} ${record.SequenceNumber}`;
  const expected = unread.get(id);
  if (expected !== undefined) {
    unread.delete(id);
    readBack++;
    if (expected !== at)
      integrityError("ReadElsewhere", `${id} acknowledged at ${expected}, read at ${at}`);
  } else if (early.has(id)) {
    integrityError("ReadTwice", `${id} at ${at}`);
  } else {
    early.set(id, at);
  }
}

// ---------------------------------------------------------------- load

const { signal } = load;

/**
 * Runs `step` `perSecond` times a second, each after the previous ended,
 * until the load stops. After a stall it resumes at the rate rather than
 * bursting to catch up.
 */
async function paced(perSecond: number, step: () => Promise<void>): Promise<void> {
  if (!(perSecond > 0)) return;
  const period = 1000 / perSecond;
  let next = performance.now() + Math.random() * period;
  while (!signal.aborted) {
    const wait = next - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        return;
      }
    } else if (wait < -1000) {
      next = performance.now();
    }
    next += period;
    await step().catch(() => {});
  }
}

/** One PutRecords of --batch records to the soak stream. */
async function putRecords() {
  const records = Array.from({ length: options.batch }, newRecord);
  let answer: PutRecordsCommandOutput;
  try {
    answer = await call("PutRecords", () =>
      client.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          Records: records.map((r, i) => ({
            PartitionKey: `key-${(serial + i) % 97}`,
            Data: r.data,
          })),
        }),
      ),
    );
  } catch (error) {
    const into = THROTTLES.has(errorName(error)) ? rejected : unanswered;
    for (const r of records) into.add(r.id);
    return;
  }
  const entries = answer.Records ?? [];
  records.forEach((r, i) => {
    const entry = entries[i];
    if (entry?.ShardId !== undefined && entry.SequenceNumber !== undefined) {
      acknowledged(r.id, entry.ShardId, entry.SequenceNumber);
    } else {
      rejected.add(r.id);
      countError(entry?.ErrorCode ?? "MissingEntry", entry?.ErrorMessage);
    }
  });
}

/** One PutRecord to the soak stream. */
async function putRecord() {
  const record = newRecord();
  try {
    const answer = await call("PutRecord", () =>
      client.send(
        new PutRecordCommand({ StreamName: STREAM, PartitionKey: record.id, Data: record.data }),
      ),
    );
    acknowledged(record.id, String(answer.ShardId), String(answer.SequenceNumber));
  } catch (error) {
    (THROTTLES.has(errorName(error)) ? rejected : unanswered).add(record.id);
  }
}

/** An iterator at TRIM_HORIZON, or after the sequence number `from.after`. */
async function iteratorFor(shardId: string, from: { after: string | undefined }): Promise<string> {
  const answer = await call("GetShardIterator", () =>
    client.send(
      new GetShardIteratorCommand(
        from.after === undefined
          ? { StreamName: STREAM, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }
          : {
              StreamName: STREAM,
              ShardId: shardId,
              ShardIteratorType: "AFTER_SEQUENCE_NUMBER",
              StartingSequenceNumber: from.after,
            },
      ),
    ),
  );
  if (answer.ShardIterator === undefined) throw new Error("GetShardIterator returned no iterator");
  return answer.ShardIterator;
}

/**
 * Follows one shard with GetRecords from TRIM_HORIZON until `until` says stop.
 */
async function poll(shardId: string, until: () => boolean): Promise<void> {
  let last: string | undefined;
  let iterator: string | undefined;
  let lastCall = 0;
  while (!until()) {
    const wait = lastCall + POLL_PERIOD_MS - performance.now();
    if (wait > 0) await sleep(wait);
    lastCall = performance.now();
    try {
      iterator ??= await iteratorFor(shardId, { after: last });
      const current = iterator;
      const page = await call("GetRecords", () =>
        client.send(new GetRecordsCommand({ ShardIterator: current })),
      );
      const records = page.Records ?? [];
      for (const record of records) {
        if (last !== undefined && BigInt(record.SequenceNumber ?? "0") <= BigInt(last)) {
          integrityError("ReadOutOfOrder", `${shardId}: ${record.SequenceNumber} after ${last}`);
        }
        last = record.SequenceNumber;
        read(shardId, record);
      }
      behind.set(shardId, page.MillisBehindLatest ?? 0);
      iterator = page.NextShardIterator;
      if (iterator === undefined) {
        integrityError("ShardEnded", `${shardId} returned no NextShardIterator`);
        return;
      }
    } catch (error) {
      // Start again after the last record read; throttled or not, wait a moment.
      iterator = undefined;
      await sleep(THROTTLES.has(errorName(error)) ? 1_000 : 250);
    }
  }
}

/** One round of the read-only control-plane calls. */
async function admin(shardIds: readonly string[]): Promise<void> {
  const shardId = shardIds[Math.floor(Math.random() * shardIds.length)];
  const quietly = () => {};
  await call("GetShardIterator", () =>
    client.send(
      new GetShardIteratorCommand({
        StreamName: STREAM,
        ShardId: shardId,
        ShardIteratorType: "LATEST",
      }),
    ),
  ).catch(quietly);
  await call("DescribeStreamSummary", () =>
    client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM })),
  ).catch(quietly);
  await call("ListShards", () => client.send(new ListShardsCommand({ StreamName: STREAM }))).catch(
    quietly,
  );
  await call("ListStreams", () => client.send(new ListStreamsCommand({}))).catch(quietly);
}

/**
 * Waits until the stream is `status` (or gone, for "DELETED"), counting the
 * calls; their errors are counted by `call` and waited out.
 */
function waitFor(name: string, status: "ACTIVE" | "DELETED", timeoutMs: number): Promise<void> {
  return waitForStream(client, name, status, {
    timeoutMs,
    pollMs: 100,
    describe: (StreamName) =>
      call(
        "DescribeStreamSummary",
        () => client.send(new DescribeStreamSummaryCommand({ StreamName })),
        (e) => status === "DELETED" && e === "ResourceNotFoundException",
      ),
    onError: () => {},
    check: () => {
      if (fatal !== undefined) throw new Error(fatal);
    },
  });
}

let scratchCount = 0;
/** A scratch stream: created, written to once, deleted, waited out. */
async function scratch() {
  const name = `soak-scratch-${++scratchCount}`;
  try {
    await call("CreateStream", () =>
      client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 })),
    );
    await waitFor(name, "ACTIVE", 30_000);
    await call("PutRecord", () =>
      client.send(
        new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: Buffer.from("x") }),
      ),
    );
    await call("DeleteStream", () => client.send(new DeleteStreamCommand({ StreamName: name })));
    await waitFor(name, "DELETED", 30_000);
  } catch (error) {
    if (error instanceof StreamWaitTimeout) {
      countError("ScratchStreamTimeout", error.message);
    }
  }
}

// ---------------------------------------------------------------- reporting

/** Memory samples: minutes since the load began, bytes. */
const memory: { t: number; bytes: number }[] = [];
/** The first sample, by process. */
let firstByProcess: Map<string, number> | undefined;
/** The latest sample, by process. */
let lastByProcess: Map<string, number> | undefined;
let loadStart = 0;

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function sampleMemory() {
  service?.discoverGroups();
  const byProcess = serviceRss();
  firstByProcess ??= byProcess;
  lastByProcess = byProcess;
  const bytes = [...byProcess.values()].reduce((sum, n) => sum + n, 0);
  memory.push({ t: (performance.now() - loadStart) / 60_000, bytes });
}

function formatCounts(map: Map<string, number>): string {
  const entries = [...map].filter(([, n]) => n !== 0);
  return entries.length === 0 ? "none" : entries.map(([k, n]) => `${k} ${n}`).join(", ");
}

function backlog() {
  return unread.size;
}

/** One progress line; `seconds` since the last one. */
function progressLine(seconds: number, note = ""): void {
  const rates = OPERATIONS.map(
    (op) => `${op} ${((opsNow.get(op) ?? 0) / seconds).toFixed(1)}`,
  ).join(" ");
  opsNow.clear();
  const rss = memory.at(-1)?.bytes ?? 0;
  const lag = Math.max(0, ...behind.values());
  console.log(
    `${clock(performance.now() - loadStart).padStart(6)}${note}  ops/s ${rates} | errors ${formatCounts(errors)} | ` +
      `written ${written} read ${readBack} backlog ${backlog()} (${lag} ms behind) | rss ${mb(rss)} MB`,
  );
}

/** Least-squares slope of bytes over minutes, in MB per minute. */
function slope(samples: readonly { t: number; bytes: number }[]): number {
  const n = samples.length;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mbytes = samples.reduce((s, x) => s + x.bytes, 0) / n;
  let cov = 0;
  let varT = 0;
  for (const x of samples) {
    cov += (x.t - mt) * (x.bytes - mbytes);
    varT += (x.t - mt) ** 2;
  }
  return varT === 0 ? 0 : cov / varT / 1024 / 1024;
}

/** Prints the summary; whether the run passed. */
function summary(loadMs: number): boolean {
  const seconds = loadMs / 1000;
  console.log("");
  console.log(`soak summary: ${clock(loadMs)} of load`);
  for (const op of OPERATIONS) {
    const n = opsTotal.get(op) ?? 0;
    console.log(`  ${op.padEnd(22)} ${String(n).padStart(8)}  (${(n / seconds).toFixed(1)}/s)`);
  }
  console.log(`  errors: ${formatCounts(errors)} (${unexpected} unexpected)`);
  const missing = unread.size;
  const strangers = [...early.keys()].filter((id) => !unanswered.has(id));
  console.log(
    `  records: ${written} acknowledged, ${readBack} of them read back, ${missing} never read; ` +
      `${rejected.size} throttled, ${unanswered.size} unanswered` +
      (early.size > 0 ? `; ${early.size} read without an acknowledgement` : ""),
  );
  if (strangers.length > 0) {
    integrityError("ReadUnsent", `${strangers.length} records read that were never acknowledged`);
  }
  if (memory.length > 0) {
    const bytes = memory.map((m) => m.bytes);
    const total = memory.at(-1)?.t ?? 0;
    const half = memory.filter((m) => m.t >= total / 2);
    console.log(
      `  memory (RSS of every service process): min ${mb(Math.min(...bytes))} MB, ` +
        `max ${mb(Math.max(...bytes))} MB, last ${mb(bytes.at(-1) ?? 0)} MB`,
    );
    const labels = new Set([...(firstByProcess?.keys() ?? []), ...(lastByProcess?.keys() ?? [])]);
    console.log(
      `  memory by process, first -> last sample: ${[...labels]
        .map((label) => {
          const first = firstByProcess?.get(label);
          const last = lastByProcess?.get(label);
          return `${label} ${first === undefined ? "-" : mb(first)} -> ${last === undefined ? "-" : mb(last)} MB`;
        })
        .join(", ")}`,
    );
    if (half.length >= 5) {
      const perMinute = slope(half);
      const verdict =
        Math.abs(perMinute) < 2
          ? "flat: no sign of growth"
          : perMinute > 0
            ? "growing: run longer to tell warm-up from a leak"
            : "shrinking";
      console.log(
        `  memory trend over the second half: ${perMinute >= 0 ? "+" : ""}${perMinute.toFixed(2)} MB/min ` +
          `(linear fit of ${half.length} samples): ${verdict}`,
      );
    } else {
      console.log("  memory trend: too few samples to judge");
    }
  }
  const passed =
    unexpected === 0 && missing === 0 && fatal === undefined && interrupted === undefined;
  const reasons = [
    ...(fatal === undefined ? [] : [fatal]),
    ...(interrupted === undefined ? [] : [`interrupted by ${interrupted}`]),
    ...(unexpected === 0 ? [] : [`${unexpected} unexpected errors`]),
    ...(missing === 0 ? [] : [`${missing} acknowledged records never read back`]),
  ];
  console.log(`  verdict: ${passed ? "PASS" : `FAIL (${reasons.join("; ")})`}`);
  return passed;
}

// ---------------------------------------------------------------- main

async function main() {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "tributary-soak-"));
  if (options.dataDir === undefined) madeDataDir = dataDir;
  const port = options.port === 0 ? await freePort() : options.port;
  const endpoint = await startService(dataDir, port);
  if (interrupted !== undefined) throw new Error(`interrupted by ${interrupted}`);
  console.log(
    `soak: service at ${endpoint} (process groups ${[...(service?.groups ?? [])].join(", ")}), data in ${dataDir}`,
  );
  const recordsPerRequest = options.batch;
  const putRecordsPerSecond = options.rate / recordsPerRequest;
  console.log(
    `soak: ${options.minutes} min; PutRecords ${putRecordsPerSecond.toFixed(1)}/s x ${recordsPerRequest} records, ` +
      `PutRecord ${options.putRecordRate}/s, ${options.shards} shards, admin calls every ${options.adminEveryS} s, ` +
      `a scratch stream every ${options.scratchEveryS} s`,
  );

  client = kinesisClient(endpoint, { maxSockets: 64 });

  await call("CreateStream", () =>
    client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: options.shards })),
  );
  await waitFor(STREAM, "ACTIVE", 30_000);
  const listed = await call("ListShards", () =>
    client.send(new ListShardsCommand({ StreamName: STREAM })),
  );
  const shardIds = (listed.Shards ?? []).map((s) => String(s.ShardId));

  loadStart = performance.now();
  sampleMemory();
  const loadMs = options.minutes * 60_000;
  let draining = false;
  let drainDeadline = Number.POSITIVE_INFINITY;
  const stopPolling = () =>
    interrupted !== undefined ||
    fatal !== undefined ||
    (draining && (backlog() === 0 || performance.now() > drainDeadline));

  const pollers = shardIds.map((shardId) => poll(shardId, stopPolling));
  const producers = [
    paced(putRecordsPerSecond / 2, putRecords),
    paced(putRecordsPerSecond / 2, putRecords),
    paced(options.putRecordRate / 2, putRecord),
    paced(options.putRecordRate / 2, putRecord),
    paced(1 / options.adminEveryS, () => admin(shardIds)),
    paced(1 / options.scratchEveryS, scratch),
  ];

  const sampler = setInterval(sampleMemory, 1_000);
  let lastLine = performance.now();
  const reporter = setInterval(() => {
    const now = performance.now();
    progressLine((now - lastLine) / 1000);
    lastLine = now;
  }, options.intervalS * 1000);

  const ended = setTimeout(() => load.abort(), loadMs);
  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
  }
  clearTimeout(ended);
  const loadEnded = performance.now() - loadStart;
  await Promise.all(producers);

  // Let the pollers read what is left.
  draining = true;
  drainDeadline = performance.now() + options.drainS * 1000;
  await Promise.all(pollers);
  clearInterval(sampler);
  clearInterval(reporter);
  progressLine((performance.now() - lastLine) / 1000, " (end)");
  if (interrupted === undefined && fatal === undefined && backlog() > 0) {
    console.log(`soak: the pollers did not catch up within ${options.drainS} s`);
  }
  client.destroy();
  return summary(loadEnded);
}

let passed = false;
try {
  passed = await main();
} catch (error) {
  fatal ??= error instanceof Error ? error.message : String(error);
  console.error(`soak: ${fatal}`);
  load.abort();
}
serviceStopping = true;
if (service !== undefined) {
  const stopped = await stopService(service);
  const exit = stopped.exit === "did not exit in time" ? undefined : stopped.exit;
  if (stopped.leftAfterExit.length > 0) {
    console.error(
      `soak: ${stopped.leftAfterExit.length} processes of the service outlived its stop; killed them`,
    );
    passed = false;
  } else if (exit === undefined) {
    console.error("soak: the service did not stop within 20 s; killed it");
    passed = false;
  } else if (exit.code !== 0 && fatal === undefined) {
    console.error(`soak: the service stopped with ${exit.code ?? exit.signal}, not 0`);
    passed = false;
  } else {
    console.log(`soak: service stopped (exit ${exit.code ?? exit.signal}), nothing of it left`);
  }
}
removeDataDir();
process.exit(interrupted === "SIGINT" ? 130 : interrupted !== undefined ? 143 : passed ? 0 : 1);
