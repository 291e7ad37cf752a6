/**
 * `npm run bench`: Tributary against kinesalite and against the runtime's
 * ceiling (bench/ceiling, a Worker that does nothing), with the same client
 * and the same workloads. See bench/README.md for what each figure means.
 *
 * Every server runs in process groups of its own, on a free port; a client
 * child process (bench/client.ts) drives one target at a time. Memory is
 * sampled from /proc every 500 ms. The run is bounded by --max-minutes and
 * every step by its own timeout; on any exit (done, error, Ctrl-C, SIGTERM,
 * timeout) the servers are stopped and whatever is left of their groups is
 * killed.
 *
 * @example
 * npm run bench -- --seconds 3 --drain-records 20000 --only put-1k,drain
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { listProcesses, memoryOfGroups, type ProcessMemory } from "../local/processes.ts";
import {
  type DrainResult,
  decodeDrainResult,
  decodeLatencyResult,
  decodePutResult,
  decodeReply,
  type ErrorSummary,
  type Job,
  type LatencyResult,
  type PutResult,
  type Reply,
} from "./jobs.ts";
import { type Decoder, fields } from "./support/decode.ts";
import { freePort } from "./support/free-port.ts";
import { kinesaliteReady, spawnKinesalite, stopKinesalite } from "./support/kinesalite.ts";
import { projectRoot as root } from "./support/paths.ts";
import type { ServerProcess, Stopped } from "./support/server-process.ts";
import { serviceReady, spawnService, stopService } from "./support/service.ts";

const here = path.join(root, "bench");
const CLIENT = path.join(here, "client.ts");
const CEILING_CONFIG = path.join(here, "ceiling", "wrangler.toml");
const RESULTS = path.join(here, "results");
const MIB = 1024 * 1024;

// ---------------------------------------------------------------- options

const USAGE = `Usage: npm run bench -- [options]

  --seconds N          measured seconds of each PutRecords workload (default 10)
  --warmup N           unmeasured warm-up seconds before each timed workload (default 2)
  --producers N        concurrent PutRecords producers (default 8)
  --shards N           shards of every stream (default 4)
  --drain-records N    1 KiB records loaded, then drained, by the drain workload (default 200000)
  --latency-seconds N  measured seconds of put-to-read latency (default 5)
  --latency-rate N     PutRecord calls per second for the latency workload (default 100)
  --settle N           idle seconds before the after-load memory figure (default 5)
  --only LIST          workloads to run, comma-separated (default all):
                       ${"put-100,put-1k,put-10k,put-1m,drain,latency"}
  --targets LIST       targets, comma-separated (default tributary,kinesalite,ceiling)
  --http2-front on|off serve Tributary and the ceiling with npm start's HTTP/2 front, as
                       users run it, or without it (TRIBUTARY_HTTP2=off; default on)
  --max-minutes N      stop everything and fail after this long (default 30)
  --no-save            do not write bench/results/<timestamp>.json
  --help               this text`;

function parseFlags() {
  try {
    return parseArgs({
      options: {
        seconds: { type: "string", default: "10" },
        warmup: { type: "string", default: "2" },
        producers: { type: "string", default: "8" },
        shards: { type: "string", default: "4" },
        "drain-records": { type: "string", default: "200000" },
        "latency-seconds": { type: "string", default: "5" },
        "latency-rate": { type: "string", default: "100" },
        settle: { type: "string", default: "5" },
        only: { type: "string", multiple: true },
        targets: { type: "string", multiple: true },
        "max-minutes": { type: "string", default: "30" },
        "http2-front": { type: "string", default: "on" },
        "no-save": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    // An unknown flag, a missing value, a positional argument.
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    console.error(USAGE);
    process.exit(2);
  }
}

const flags = parseFlags();

if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

function number(name: string, raw: string, rule: { min?: number; integer?: boolean } = {}) {
  const value = Number(raw);
  const min = rule.min ?? 0;
  if (
    !Number.isFinite(value) ||
    value < min ||
    (rule.integer === true && !Number.isInteger(value))
  ) {
    console.error(`bench: --${name} must be a${rule.integer ? "n integer" : " number"} ≥ ${min}`);
    console.error(USAGE);
    process.exit(2);
  }
  return value;
}

function list<T extends string>(raw: string[] | undefined, allowed: readonly T[], name: string) {
  if (raw === undefined) {
    return [...allowed];
  }
  const chosen = raw.flatMap((item) => item.split(",")).map((item) => item.trim());
  for (const item of chosen) {
    if (!allowed.some((name) => name === item)) {
      console.error(`bench: --${name} takes ${allowed.join(", ")}; not ${JSON.stringify(item)}`);
      process.exit(2);
    }
  }
  return allowed.filter((item) => chosen.includes(item));
}

const PUT_SIZES = {
  "put-100": 100,
  "put-1k": 1024,
  "put-10k": 10 * 1024,
  "put-1m": 1024 * 1024,
} as const;
const PUT_WORKLOADS = ["put-100", "put-1k", "put-10k", "put-1m"] as const;
const WORKLOADS = [...PUT_WORKLOADS, "drain", "latency"] as const;
const TARGETS = ["tributary", "kinesalite", "ceiling"] as const;

type PutWorkload = (typeof PUT_WORKLOADS)[number];
type Workload = (typeof WORKLOADS)[number];
type TargetName = (typeof TARGETS)[number];

const isPutWorkload = (workload: Workload): workload is PutWorkload => workload in PUT_SIZES;

function onOff(name: string, raw: string) {
  if (raw !== "on" && raw !== "off") {
    console.error(`bench: --${name} takes on or off; not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return raw === "on";
}

const options = {
  seconds: number("seconds", flags.seconds, { min: 1 }),
  warmupSeconds: number("warmup", flags.warmup),
  producers: number("producers", flags.producers, { min: 1, integer: true }),
  shards: number("shards", flags.shards, { min: 1, integer: true }),
  drainRecords: number("drain-records", flags["drain-records"], { min: 1, integer: true }),
  latencySeconds: number("latency-seconds", flags["latency-seconds"], { min: 1 }),
  latencyRate: number("latency-rate", flags["latency-rate"], { min: 1 }),
  settleSeconds: number("settle", flags.settle, { min: 1 }),
  maxMinutes: number("max-minutes", flags["max-minutes"], { min: 0.1 }),
  workloads: list(flags.only, WORKLOADS, "only"),
  targets: list(flags.targets, TARGETS, "targets"),
  http2Front: onOff("http2-front", flags["http2-front"]),
  save: !flags["no-save"],
  drainLimit: 10_000,
  drainRecordBytes: 1024,
  memorySampleMs: 500,
};

// ---------------------------------------------------------------- targets

/** One process of a target's groups, as the results file keeps it. */
interface ProcessEntry {
  pid: number;
  pgid: number;
  command: string;
  commandLine: string;
  rssMiB: number;
}

interface Load {
  workload: Workload;
  from: number;
  to: number;
}

interface Target {
  name: TargetName;
  label: string;
  server: ServerProcess;
  /** Stops the server the way that suits it (bounded), once. */
  stop: (server: ServerProcess) => Promise<Stopped>;
  endpoint: string;
  dataDir: string | undefined;
  startSeconds: number;
  /** At the end of the baseline. */
  processes: ProcessEntry[];
  /** At the end of the settle. */
  processesAfterLoad: ProcessEntry[];
  /** [seconds since the bench began, RSS bytes] */
  samples: [number, number][];
  loads: Load[];
  stopped: Stopped | undefined;
}

const LABELS = { tributary: "Tributary", kinesalite: "kinesalite", ceiling: "ceiling" } as const;

const benchStart = performance.now();
const startedAt = new Date();
/** Seconds since the bench began. */
const clock = () => (performance.now() - benchStart) / 1000;
const log = (line: string) => console.log(`bench [${clock().toFixed(1).padStart(6)} s] ${line}`);

const targets: Target[] = [];
const clients = new Set<ChildProcess>();
const tempDirs: string[] = [];

/** Tracks a spawned server at once, so that every way out stops it. */
function track(
  name: TargetName,
  server: ServerProcess,
  stop: (server: ServerProcess) => Promise<Stopped>,
  dataDir: string | undefined,
): Target {
  const target: Target = {
    name,
    label: LABELS[name],
    server,
    stop,
    endpoint: "",
    dataDir,
    startSeconds: 0,
    processes: [],
    processesAfterLoad: [],
    samples: [],
    loads: [],
    stopped: undefined,
  };
  targets.push(target);
  return target;
}

/** A command line, shortened: paths relative to the project. */
function shortCommandLine(argv: readonly string[]) {
  return argv
    .map((arg) => (arg.startsWith(`${root}/`) ? path.relative(root, arg) : arg))
    .join(" ")
    .slice(0, 200);
}

/** Which processes the target's groups hold now, with the RSS of each. */
function snapshot(target: Target): ProcessMemory[] {
  target.server.discoverGroups();
  return memoryOfGroups(target.server.groups);
}

function entries(processes: readonly ProcessMemory[]): ProcessEntry[] {
  return processes.map((p) => ({
    pid: p.pid,
    pgid: p.pgid,
    command: p.command,
    commandLine: shortCommandLine(p.argv),
    rssMiB: Math.round((p.rssBytes / MIB) * 10) / 10,
  }));
}

/** Tributary, or the ceiling Worker, the way `npm start` runs it. */
async function startService(name: "tributary" | "ceiling"): Promise<Target> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tributary-bench-${name}-`));
  tempDirs.push(dataDir);
  const t0 = performance.now();
  const server = spawnService({
    port,
    dataDir,
    env: {
      CREATE_STREAM_MS: "0",
      DELETE_STREAM_MS: "0",
      // Throughput limits are off in every measurement: they would measure the limits.
      KINESIS_LIMITS: "off",
      TRIBUTARY_WRANGLER_CONFIG: name === "ceiling" ? CEILING_CONFIG : undefined,
      TRIBUTARY_HTTP2: options.http2Front ? undefined : "off",
    },
  });
  const target = track(name, server, stopService, dataDir);
  target.endpoint = await serviceReady(server, name);
  target.startSeconds = (performance.now() - t0) / 1000;
  return target;
}

/** kinesalite, in memory. */
async function startKinesalite(): Promise<Target> {
  const port = await freePort();
  const t0 = performance.now();
  const target = track("kinesalite", spawnKinesalite(port), stopKinesalite, undefined);
  target.endpoint = await kinesaliteReady(target.server, port);
  target.startSeconds = (performance.now() - t0) / 1000;
  return target;
}

/**
 * Stops a target (Tributary and the ceiling: SIGTERM to the supervisor;
 * kinesalite: SIGTERM to its group; then SIGKILL to every group for whatever
 * is left) and removes its data directory.
 */
async function stopTarget(target: Target): Promise<void> {
  target.stopped = await target.stop(target.server);
  if (target.dataDir !== undefined) {
    rmSync(target.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- cleanup

let cleaning: Promise<void> | undefined;
/** Stops every client and server; safe to call more than once. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const client of clients) {
      client.kill("SIGKILL");
    }
    await Promise.all(targets.map((target) => stopTarget(target)));
    for (const dir of tempDirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

/** Last resort, synchronous: nothing we started may outlive us. */
function killEverything() {
  for (const client of clients) {
    try {
      client.kill("SIGKILL");
    } catch {
      // Gone.
    }
  }
  for (const target of targets) {
    target.server.killNow();
  }
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort.
    }
  }
}

process.on("exit", killEverything);

let interrupted = false;
function onSignal(signal: NodeJS.Signals) {
  if (interrupted) {
    console.error(`bench: ${signal} again; killing everything now`);
    process.exit(1);
  }
  interrupted = true;
  console.error(`bench: ${signal}; stopping the servers (again to force)`);
  void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, onSignal);
}

const overall = setTimeout(() => {
  console.error(`bench: still running after --max-minutes ${options.maxMinutes}; giving up`);
  interrupted = true;
  void cleanup().finally(() => process.exit(2));
}, options.maxMinutes * 60_000);
overall.unref();

// ---------------------------------------------------------------- memory

const sampler = setInterval(() => {
  const processes = listProcesses();
  const t = Math.round(clock() * 1000) / 1000;
  for (const target of targets) {
    if (target.server.stopping) {
      continue;
    }
    target.server.discoverGroups(processes);
    const bytes = memoryOfGroups(target.server.groups, processes).reduce(
      (sum, p) => sum + p.rssBytes,
      0,
    );
    target.samples.push([t, bytes]);
  }
}, options.memorySampleMs);
sampler.unref();

function median(values: readonly number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  const lower = sorted[mid - 1] ?? upper;
  return sorted.length % 2 === 1 ? upper : (lower + upper) / 2;
}

/**
 * What "memory flat" means. A leak keeps growing while load goes on; a
 * runtime warming up (heap, allocator arenas, caches) rises and levels off,
 * and so does the ceiling, which stores nothing. Hence rule (2) asks for
 * growth at every step, not for the last slice to exceed the first. It is
 * asked of each workload on its own: the workloads need different amounts of
 * memory (1 MiB records and 10 MB pages more than 100 B records), so across
 * the run memory steps up from one to the next without anything leaking.
 */
const FLAT = {
  afterOverSteadyMax: 1.2,
  slices: 5,
  stepGrowth: 1.02,
};
const FLAT_DEFINITION =
  `flat = (1) after-load RSS (median of the last 3 samples after a ${options.settleSeconds} s settle) ` +
  `is at most ${FLAT.afterOverSteadyMax}× the steady-load RSS (median of all samples taken while the ` +
  `target was under load), and (2) no monotonic growth within any workload: its samples, in time order, ` +
  `cut into ${FLAT.slices} equal slices, do not have slice medians that each exceed the previous one by ` +
  `more than ${Math.round((FLAT.stepGrowth - 1) * 100)}%.`;

/**
 * Medians of `values` cut into FLAT.slices equal slices, in order, and
 * whether each exceeds the one before by more than FLAT.stepGrowth; no
 * verdict (null) with too few values.
 */
function slicesOf(values: readonly number[]): { slices: number[]; monotonic: boolean | null } {
  if (values.length < FLAT.slices * 2) return { slices: [], monotonic: null };
  const slices: number[] = [];
  for (let i = 0; i < FLAT.slices; i++) {
    const from = Math.floor((i * values.length) / FLAT.slices);
    const to = Math.floor(((i + 1) * values.length) / FLAT.slices);
    // Never empty: there are at least two values per slice.
    slices.push(median(values.slice(from, to)) ?? 0);
  }
  const monotonic = slices.every(
    (value, i) => i === 0 || value > FLAT.stepGrowth * (slices[i - 1] ?? value),
  );
  return { slices, monotonic };
}

interface Interval {
  from: number;
  to: number;
}

type MemoryFigures = ReturnType<typeof memoryFigures>;

function memoryFigures(target: Target, baseline: Interval, settle: Interval) {
  const within = (from: number, to: number) =>
    target.samples.filter(([t]) => t >= from && t <= to).map(([, bytes]) => bytes);
  const underLoad = target.samples
    .filter(([t]) => target.loads.some((load) => t >= load.from && t <= load.to))
    .map(([, bytes]) => bytes);
  const settled = within(settle.from, settle.to);
  const all = within(baseline.from, settle.to);
  const baselineBytes = median(within(baseline.from, baseline.to));
  const steady = median(underLoad);
  const after = median(settled.slice(-3));
  const { slices } = slicesOf(underLoad);
  const workloads = target.loads.map((load) => {
    const { slices: workloadSlices, monotonic } = slicesOf(within(load.from, load.to));
    return {
      workload: load.workload,
      sliceMediansBytes: workloadSlices,
      monotonicGrowth: monotonic,
    };
  });
  const judged = workloads.filter((w) => w.monotonicGrowth !== null);
  const grew = workloads.filter((w) => w.monotonicGrowth === true).map((w) => w.workload);
  const monotonic = grew.length > 0;
  const settledOk = after !== null && steady !== null && after <= FLAT.afterOverSteadyMax * steady;
  return {
    baselineBytes,
    peakBytes: all.length === 0 ? null : Math.max(...all),
    steadyLoadBytes: steady,
    afterLoadBytes: after,
    sliceMediansBytes: slices,
    workloads,
    grewIn: grew,
    monotonicGrowth: monotonic,
    afterWithinBound: settledOk,
    // Too few samples under load to judge (a very short run): no verdict.
    flat: judged.length === 0 ? null : settledOk && !monotonic,
    underLoadSamples: underLoad.length,
  };
}

// ---------------------------------------------------------------- workloads

interface Failure {
  error: string;
}
type Outcome<R> = R | Failure;
type ByTarget<R> = Partial<Record<TargetName, Outcome<R>>>;
type AnyResult = PutResult | DrainResult | LatencyResult;

/** Every workload's outcome per target, in the order they ran: the results file's `workloads`. */
const results: { [W in PutWorkload]?: ByTarget<PutResult> } & {
  drain?: ByTarget<DrainResult>;
  latency?: ByTarget<LatencyResult>;
} = {};

const isFailure = (outcome: Outcome<AnyResult>): outcome is Failure => "error" in outcome;

/**
 * Runs one job in a fresh client process, decodes its reply and records the
 * load interval.
 */
async function runJob<R>(
  target: Target,
  workload: Workload,
  job: Job,
  decode: Decoder<R>,
): Promise<Reply<R>> {
  if (interrupted) {
    throw new Error("interrupted");
  }
  const from = clock();
  const child = spawn(process.execPath, [CLIENT], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  clients.add(child);
  const outcome = await new Promise<Reply<R>>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ ok: false, error: `the client did not finish in ${job.timeoutMs + 15_000} ms` });
    }, job.timeoutMs + 15_000);
    child.once("message", (message: unknown) => {
      clearTimeout(timer);
      try {
        resolve(decodeReply(message, decode));
      } catch (error) {
        resolve({ ok: false, error: `the client's reply: ${String(error)}` });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `the client exited (${code ?? signal}) without a result` });
    });
    child.send(job);
  });
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  clients.delete(child);
  target.loads.push({ workload, from, to: clock() });
  return outcome;
}

/**
 * Runs a workload against every target in turn, logging each outcome.
 */
async function runWorkload<R extends AnyResult>(
  workload: Workload,
  jobFor: (target: Target) => Job,
  decode: Decoder<R>,
  oneLine: (result: R) => string,
): Promise<ByTarget<R>> {
  const byTarget: ByTarget<R> = {};
  for (const target of targets) {
    log(`${workload} against ${target.label}…`);
    const outcome = await runJob(target, workload, jobFor(target), decode);
    if (outcome.ok) {
      byTarget[target.name] = outcome.result;
      log(`${workload} against ${target.label}: ${oneLine(outcome.result)}`);
    } else {
      byTarget[target.name] = { error: outcome.error };
      log(`${workload} against ${target.label} FAILED: ${outcome.error}`);
    }
    if (target.server.exit !== undefined) {
      throw new Error(`${target.label} exited during ${workload}:\n${target.server.output}`);
    }
    await sleep(1000);
  }
  return byTarget;
}

async function runPut(workload: PutWorkload): Promise<ByTarget<PutResult>> {
  const { shards, producers } = options;
  const recordBytes = PUT_SIZES[workload];
  return runWorkload(
    workload,
    (target) => ({
      kind: "put",
      endpoint: target.endpoint,
      stream: `${workload}-s${shards}-b${recordBytes}`,
      shards,
      recordBytes,
      producers,
      warmupSeconds: options.warmupSeconds,
      seconds: options.seconds,
      timeoutMs: (options.warmupSeconds + options.seconds) * 1000 + 60_000,
    }),
    decodePutResult,
    (result) =>
      `${fmt(result.recordsPerSecond)} rec/s, ${result.mibPerSecond.toFixed(1)} MiB/s, p50 ${result.callLatencyMs.p50} ms, p99 ${result.callLatencyMs.p99} ms, failed ${result.failedRecords}, errors ${result.errors.count}`,
  );
}

async function runDrain(): Promise<ByTarget<DrainResult>> {
  const { shards, producers } = options;
  return runWorkload(
    "drain",
    (target) => ({
      kind: "drain",
      endpoint: target.endpoint,
      stream: `drain-s${shards}-n${options.drainRecords}-b${options.drainRecordBytes}`,
      shards,
      records: options.drainRecords,
      recordBytes: options.drainRecordBytes,
      producers,
      limit: options.drainLimit,
      timeoutMs: 600_000,
    }),
    decodeDrainResult,
    (result) =>
      `loaded ${fmt(result.load.recordsPerSecond)} rec/s; drained ${result.read}/${result.written} at ${fmt(result.recordsPerSecond)} rec/s, ${result.mibPerSecond.toFixed(1)} MiB/s`,
  );
}

async function runLatency(): Promise<ByTarget<LatencyResult>> {
  const { shards, producers } = options;
  return runWorkload(
    "latency",
    (target) => ({
      kind: "latency",
      endpoint: target.endpoint,
      stream: `latency-s${shards}`,
      shards,
      rate: options.latencyRate,
      producers,
      delivers: target.name !== "ceiling",
      warmupSeconds: options.warmupSeconds,
      seconds: options.latencySeconds,
      timeoutMs: (options.warmupSeconds + options.latencySeconds) * 1000 + 60_000,
    }),
    decodeLatencyResult,
    (result) => {
      const calls = `PutRecord call p99 ${result.putCallLatencyMs.p99} ms, GetRecords call p99 ${result.getRecordsCallLatencyMs.p99} ms, ${fmt(result.getRecordsCallsPerSecond)} GetRecords calls/s`;
      return result.latencyMs === null
        ? calls
        : `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.received}/${result.measured} received; ${calls}`;
    },
  );
}

// ---------------------------------------------------------------- report

function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) {
    return null;
  }
  return a / b;
}

function table(rows: readonly (readonly string[])[], align: readonly ("l" | "r")[]): string {
  const [head = [], ...body] = rows;
  const widths = head.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) =>
        align[i] === "r" ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function packageVersion(name: string): string | null {
  try {
    const json: unknown = JSON.parse(
      readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"),
    );
    return fields(json, `${name}/package.json`).string("version");
  } catch {
    return null;
  }
}

function machine() {
  const cpuinfo = (() => {
    try {
      return readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      return "";
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? null;
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return null;
    }
  };
  const status = git(["status", "--porcelain", "--untracked-files=no"]);
  return {
    hostname: os.hostname(),
    nproc: os.availableParallelism(),
    cpuModel: model,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages: Object.fromEntries(
      [
        "wrangler",
        "workerd",
        "miniflare",
        "kinesalite",
        "@aws-sdk/client-kinesis",
        "@smithy/node-http-handler",
      ].map((name) => [name, packageVersion(name)]),
    ),
    git: { commit: git(["rev-parse", "HEAD"]), dirty: status === null ? null : status !== "" },
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const loadAverageAtStart = os.loadavg();
  log(
    `workloads ${options.workloads.join(", ")}; targets ${options.targets.join(", ")}; ` +
      `HTTP/2 front ${options.http2Front ? "on" : "off"}; ` +
      `${os.availableParallelism()} CPUs, load average ${loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")}`,
  );

  const starters: Record<TargetName, () => Promise<Target>> = {
    tributary: () => startService("tributary"),
    kinesalite: () => startKinesalite(),
    ceiling: () => startService("ceiling"),
  };
  for (const name of options.targets) {
    if (interrupted) {
      throw new Error("interrupted");
    }
    const target = await starters[name]();
    log(
      `${target.label} is serving at ${target.endpoint} (${target.startSeconds.toFixed(1)} s to start)`,
    );
  }
  const baseline = { from: clock(), to: 0 };
  await sleep(3000);
  baseline.to = clock();
  for (const target of targets) {
    const processes = snapshot(target);
    target.processes = entries(processes);
    log(
      `${target.label} (process groups ${[...target.server.groups].join(", ")}): ` +
        processes
          .map((p) => `${p.label} ${Math.round((p.rssBytes / MIB) * 10) / 10} MiB`)
          .join(", "),
    );
  }

  // Workload by workload, each target in turn: a drift in the machine's load
  // over the run then hits all targets of a workload alike.
  for (const workload of options.workloads) {
    if (isPutWorkload(workload)) {
      results[workload] = await runPut(workload);
    } else if (workload === "drain") {
      results.drain = await runDrain();
    } else {
      results.latency = await runLatency();
    }
  }

  const settle = { from: clock(), to: 0 };
  log(`settling for ${options.settleSeconds} s`);
  await sleep(options.settleSeconds * 1000);
  settle.to = clock();
  const loadAverageAtEnd = os.loadavg();
  for (const target of targets) {
    target.processesAfterLoad = entries(snapshot(target));
  }

  clearInterval(sampler);
  const memory: Partial<Record<TargetName, MemoryFigures>> = {};
  for (const target of targets) {
    memory[target.name] = memoryFigures(target, baseline, settle);
  }

  log("stopping the servers");
  await cleanup();
  const durationSeconds = clock();
  for (const target of targets) {
    log(`${target.label} stopped: ${JSON.stringify(target.stopped)}`);
  }

  report(memory, durationSeconds, loadAverageAtStart, loadAverageAtEnd);
}

interface Row {
  metric: string;
  better: string;
  tributary: number | null;
  kinesalite: number | null;
  ceiling?: number | null | undefined;
  digits: number;
  text?: Partial<Record<TargetName, string>>;
  reference?: boolean;
}

/** A figure of a target's result, or null where it failed or did not run. */
function value<R extends AnyResult>(
  byTarget: ByTarget<R> | undefined,
  name: TargetName,
  pick: (result: R) => number | null | undefined,
): number | null {
  const r = byTarget?.[name];
  if (r === undefined || isFailure(r)) return null;
  return pick(r) ?? null;
}

/** The three targets' figures of one metric. */
function figures<R extends AnyResult>(
  byTarget: ByTarget<R> | undefined,
  pick: (result: R) => number | null | undefined,
  withCeiling = true,
) {
  return {
    tributary: value(byTarget, "tributary", pick),
    kinesalite: value(byTarget, "kinesalite", pick),
    ...(withCeiling ? { ceiling: value(byTarget, "ceiling", pick) } : {}),
  };
}

/** The errors a result carries, by the name its results file gives them. */
function errorsOf(result: AnyResult): [string, ErrorSummary][] {
  return "putErrors" in result
    ? [
        ["putErrors", result.putErrors],
        ["readErrors", result.readErrors],
      ]
    : [["errors", result.errors]];
}

function report(
  memory: Partial<Record<TargetName, MemoryFigures>>,
  durationSeconds: number,
  loadAverageAtStart: number[],
  loadAverageAtEnd: number[],
) {
  const rows: Row[] = [];
  for (const workload of PUT_WORKLOADS) {
    const byTarget = results[workload];
    if (byTarget === undefined) continue;
    const size = PUT_SIZES[workload];
    const name = `PutRecords ${size >= MIB ? "1 MiB" : size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`;
    const metrics: [string, string, (r: PutResult) => number | null, number][] = [
      ["records/s", "higher", (r) => r.recordsPerSecond, 0],
      ["MiB/s", "higher", (r) => r.mibPerSecond, 1],
      ["call p50 ms", "lower", (r) => r.callLatencyMs.p50, 1],
      ["call p99 ms", "lower", (r) => r.callLatencyMs.p99, 1],
      ["failed records + errors (must be 0)", "0", (r) => r.failedRecords + r.errors.count, 0],
    ];
    for (const [metric, better, pick, digits] of metrics) {
      rows.push({ metric: `${name} ${metric}`, better, ...figures(byTarget, pick), digits });
    }
  }
  const { drain, latency } = results;
  if (drain !== undefined) {
    const n = options.drainRecords;
    rows.push(
      {
        metric: `GetRecords drain (${fmt(n)} × 1 KiB) records/s`,
        better: "higher",
        ...figures(drain, (r) => r.recordsPerSecond),
        digits: 0,
      },
      {
        metric: "GetRecords drain MiB/s",
        better: "higher",
        ...figures(drain, (r) => r.mibPerSecond),
        digits: 1,
      },
      {
        metric: "GetRecords drain: records read (must equal written)",
        better: "=",
        ...figures(drain, (r) => r.read, false),
        digits: 0,
        text: Object.fromEntries(
          TARGETS.map((name) => {
            const r = drain[name];
            return [
              name,
              r === undefined
                ? "—"
                : isFailure(r)
                  ? "error"
                  : `${fmt(r.read)}/${fmt(r.written)} ${r.verified ? "ok" : "MISMATCH"}`,
            ];
          }),
        ),
      },
      {
        metric: "  (loading it: PutRecords records/s)",
        better: "higher",
        ...figures(drain, (r) => r.load.recordsPerSecond),
        digits: 0,
      },
    );
  }
  if (latency !== undefined) {
    const calls: [string, string, (r: LatencyResult) => number | null, number][] = [
      ["  PutRecord call p99 ms, under the polling", "lower", (r) => r.putCallLatencyMs.p99, 1],
      ["  GetRecords call p99 ms", "lower", (r) => r.getRecordsCallLatencyMs.p99, 1],
      [
        `  GetRecords calls/s (${options.shards} tight pollers)`,
        "higher",
        (r) => r.getRecordsCallsPerSecond,
        0,
      ],
    ];
    rows.push(
      {
        metric: `Put-to-read latency p50 ms (${options.latencyRate}/s)`,
        better: "lower",
        ...figures(latency, (r) => r.latencyMs?.p50, false),
        digits: 1,
      },
      {
        metric: "Put-to-read latency p99 ms",
        better: "lower",
        ...figures(latency, (r) => r.latencyMs?.p99, false),
        digits: 1,
      },
      // The same calls' own latency, the ceiling included: what the runtime
      // itself adds under this load, with nothing stored or read.
      ...calls.map(([metric, better, pick, digits]) => ({
        metric,
        better,
        ...figures(latency, pick),
        digits,
      })),
      {
        metric: "Put-to-read records missing + errors (must be 0)",
        better: "0",
        ...figures(
          latency,
          (r) => (r.missing ?? 0) + r.putErrors.count + r.readErrors.count,
          false,
        ),
        digits: 0,
      },
    );
  }
  const memoryRows: [
    string,
    "baselineBytes" | "peakBytes" | "steadyLoadBytes" | "afterLoadBytes",
  ][] = [
    ["baseline", "baselineBytes"],
    ["peak", "peakBytes"],
    ["steady under load (median)", "steadyLoadBytes"],
    ["after load", "afterLoadBytes"],
  ];
  for (const [label, key] of memoryRows) {
    const pick = (name: TargetName) => {
      const bytes = memory[name]?.[key];
      return bytes === null || bytes === undefined ? null : bytes / MIB;
    };
    rows.push({
      metric: `Memory (RSS) ${label} MiB`,
      better: "lower",
      tributary: pick("tributary"),
      kinesalite: pick("kinesalite"),
      ceiling: pick("ceiling"),
      digits: 0,
      reference: true,
    });
  }
  rows.push({
    metric: "Memory flat under load (definition below)",
    better: "yes",
    tributary: null,
    kinesalite: null,
    digits: 0,
    text: Object.fromEntries(
      TARGETS.map((name) => {
        const flat = memory[name]?.flat;
        return [name, flat === undefined || flat === null ? "—" : flat ? "yes" : "NO"];
      }),
    ),
  });

  const header = ["Metric", "Better", "Tributary", "kinesalite", "T/k", "Ceiling", "T/ceiling"];
  const printed = rows.map((row) => {
    const tk = ratio(row.tributary, row.kinesalite);
    const tc = row.reference === true ? null : ratio(row.tributary, row.ceiling);
    const numeric = row.text === undefined && row.better !== "0" && row.better !== "=";
    return [
      row.metric,
      row.better,
      row.text?.tributary ?? fmt(row.tributary, row.digits),
      row.text?.kinesalite ?? fmt(row.kinesalite, row.digits),
      numeric && tk !== null ? `${tk.toFixed(2)}×` : "",
      row.text?.ceiling ?? (row.ceiling === undefined ? "" : fmt(row.ceiling, row.digits)),
      numeric && tc !== null ? `${(tc * 100).toFixed(0)}%` : "",
    ];
  });
  console.log("");
  console.log(table([header, ...printed], ["l", "l", "r", "r", "r", "r", "r"]));
  console.log(
    "\nT/k = Tributary ÷ kinesalite: above 1× is better where higher is better, below 1× where lower is." +
      "\nT/ceiling = Tributary as a share of the do-nothing Worker on the same runtime (100% = the runtime's limit)." +
      "\nThe ceiling's memory is a reference (wrangler + workerd serving nothing), not a limit.",
  );

  // Targets.
  const put1k = ratio(
    value(results["put-1k"], "tributary", (r) => r.recordsPerSecond),
    value(results["put-1k"], "kinesalite", (r) => r.recordsPerSecond),
  );
  const drainRatio = ratio(
    value(drain, "tributary", (r) => r.recordsPerSecond),
    value(drain, "kinesalite", (r) => r.recordsPerSecond),
  );
  const p99 = value(latency, "tributary", (r) => r.latencyMs?.p99);
  const tributaryMemory = memory.tributary;
  const flat = tributaryMemory?.flat ?? null;
  const verdict = (ok: boolean | null) => (ok === null ? "not measured" : ok ? "MET" : "NOT MET");
  const goals = [
    {
      goal: "PutRecords 1 KiB records/s ≥ 5× kinesalite (aim 10×)",
      value: put1k,
      met: put1k === null ? null : put1k >= 5,
      aimMet: put1k === null ? null : put1k >= 10,
      shown:
        put1k === null
          ? "—"
          : `${put1k.toFixed(2)}×${put1k >= 10 ? " (aim of 10× met too)" : put1k >= 5 ? " (aim of 10× not yet)" : ""}`,
    },
    {
      goal: "GetRecords drain records/s ≥ 5× kinesalite",
      value: drainRatio,
      met: drainRatio === null ? null : drainRatio >= 5,
      shown: drainRatio === null ? "—" : `${drainRatio.toFixed(2)}×`,
    },
    {
      goal: "Put-to-read latency p99 ≤ 25 ms",
      value: p99,
      met: p99 === null ? null : p99 <= 25,
      shown: p99 === null ? "—" : `${p99.toFixed(1)} ms`,
    },
    {
      goal: "Memory flat under sustained load",
      value: flat,
      met: flat,
      shown:
        tributaryMemory === undefined
          ? "—"
          : `steady ${fmt((tributaryMemory.steadyLoadBytes ?? 0) / MIB)} MiB, after ${fmt((tributaryMemory.afterLoadBytes ?? 0) / MIB)} MiB; ${tributaryMemory.grewIn.length === 0 ? "no workload grew at every step" : `grew at every step in ${tributaryMemory.grewIn.join(", ")}`} (whole run: ${tributaryMemory.sliceMediansBytes.map((b) => fmt(b / MIB)).join(" → ")} MiB)`,
    },
  ];
  console.log("\nTargets (Tributary):");
  for (const goal of goals) {
    console.log(`  ${verdict(goal.met).padEnd(12)} ${goal.goal}: ${goal.shown}`);
  }
  console.log(
    `\nMemory: RSS summed over every process of the target's process groups; ${FLAT_DEFINITION}`,
  );

  const problems: string[] = [];
  for (const workload of options.workloads) {
    const byTarget: ByTarget<AnyResult> | undefined = results[workload];
    for (const name of TARGETS) {
      const r = byTarget?.[name];
      if (r === undefined) continue;
      if (isFailure(r)) {
        problems.push(`${workload} / ${name}: ${r.error}`);
        continue;
      }
      for (const [key, errors] of errorsOf(r)) {
        if (errors.count > 0)
          problems.push(
            `${workload} / ${name}: ${errors.count} ${key}: ${errors.samples.join(" | ")}`,
          );
      }
      if ("load" in r && r.load.errors.count > 0)
        problems.push(
          `${workload} / ${name}: ${r.load.errors.count} load errors: ${r.load.errors.samples.join(" | ")}`,
        );
      if (r.deleteError)
        problems.push(`${workload} / ${name}: DeleteStream failed: ${r.deleteError}`);
    }
  }
  for (const target of targets) {
    if (target.server.stderr.trim() !== "") {
      problems.push(`${target.label} wrote to stderr:\n${target.server.stderr.trim()}`);
    }
  }
  if (problems.length > 0) {
    console.log("\nProblems seen:");
    for (const problem of problems) console.log(`  - ${problem}`);
  }
  console.log(
    `\nTotal bench duration ${durationSeconds.toFixed(1)} s; load average ${loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")} at start, ${loadAverageAtEnd.map((n) => n.toFixed(2)).join(" ")} at end.`,
  );

  if (!options.save) return;
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  const file = path.join(RESULTS, `${stamp}.json`);
  const document = {
    format: 1,
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round(durationSeconds * 10) / 10,
    options,
    machine: { ...machine(), loadAverageAtStart, loadAverageAtEnd },
    targets: Object.fromEntries(
      targets.map((target) => [
        target.name,
        {
          endpoint: target.endpoint,
          startSeconds: Math.round(target.startSeconds * 100) / 100,
          processes: target.processes,
          processesAfterLoad: target.processesAfterLoad,
          stop: target.stopped,
          stderr: target.server.stderr,
          loads: target.loads,
          memory: memory[target.name],
          memorySamples: target.samples,
        },
      ]),
    ),
    memoryFlatDefinition: FLAT_DEFINITION,
    workloads: results,
    table: rows.map(({ text, ...row }) => ({ ...row, ...(text === undefined ? {} : { text }) })),
    goals,
    problems,
  };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(document, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`Results written to ${path.relative(root, file)}`);
}

try {
  await main();
  process.exitCode = 0;
} catch (error) {
  if (!interrupted) {
    console.error(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  await cleanup();
  process.exitCode = 1;
}
