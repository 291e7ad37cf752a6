// @ts-check
/**
 * `npm run bench`: Tributary against kinesalite and against the runtime's
 * ceiling (bench/ceiling, a Worker that does nothing), with the same client
 * and the same workloads. See bench/README.md for what each figure means.
 *
 * Every server runs in process groups of its own, on a free port; a client
 * child process (bench/client.mjs) drives one target at a time. Memory is
 * sampled from /proc every 500 ms. The run is bounded by --max-minutes and
 * every step by its own timeout; on any exit (done, error, Ctrl-C, SIGTERM,
 * timeout) the servers are stopped and whatever is left of their groups is
 * killed.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  freePort,
  listProcesses,
  livingInGroups,
  rssBytes,
  signalGroup,
} from "../scripts/processes.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const START = path.join(root, "scripts", "start.mjs");
const CLIENT = path.join(here, "client.mjs");
const CEILING_CONFIG = path.join(here, "ceiling", "wrangler.toml");
const KINESALITE = path.join(root, "node_modules", "kinesalite", "cli.js");
const RESULTS = path.join(here, "results");
const READY_LINE = /serving the Kinesis API at (http:\/\/\S+)/;
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

const { values: flags } = parseArgs({
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
});

if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

/**
 * @param {string} name
 * @param {string} raw
 * @param {{ min?: number; integer?: boolean }} [rule]
 */
function number(name, raw, rule = {}) {
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

/**
 * @template {string} T
 * @param {string[] | undefined} raw
 * @param {readonly T[]} allowed
 * @param {string} name
 * @returns {T[]}
 */
function list(raw, allowed, name) {
  if (raw === undefined) {
    return [...allowed];
  }
  const chosen = raw.flatMap((item) => item.split(",")).map((item) => item.trim());
  for (const item of chosen) {
    if (!(/** @type {readonly string[]} */ (allowed).includes(item))) {
      console.error(`bench: --${name} takes ${allowed.join(", ")}; not ${JSON.stringify(item)}`);
      process.exit(2);
    }
  }
  return allowed.filter((item) => chosen.includes(item));
}

const PUT_SIZES = /** @type {const} */ ({
  "put-100": 100,
  "put-1k": 1024,
  "put-10k": 10 * 1024,
  "put-1m": 1024 * 1024,
});
const WORKLOADS = /** @type {const} */ ([
  "put-100",
  "put-1k",
  "put-10k",
  "put-1m",
  "drain",
  "latency",
]);
const TARGETS = /** @type {const} */ (["tributary", "kinesalite", "ceiling"]);

/**
 * @param {string} name
 * @param {string} raw
 */
function onOff(name, raw) {
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

/** @typedef {typeof TARGETS[number]} TargetName */

/**
 * @typedef {object} Target
 * @property {TargetName} name
 * @property {string} label
 * @property {"wrangler" | "node"} how
 * @property {number} pid The process we spawned: start.mjs, or kinesalite's cli.js.
 * @property {Set<number>} groups Its process group and, for start.mjs, serve.mjs's.
 * @property {import("node:child_process").ChildProcess} child
 * @property {Promise<{ code: number | null; signal: NodeJS.Signals | null }>} exited
 * @property {{ code: number | null; signal: NodeJS.Signals | null } | undefined} exit
 * @property {string} output What it wrote to stdout and stderr (capped).
 * @property {string} stderr What it wrote to stderr (capped).
 * @property {string} endpoint
 * @property {string | undefined} dataDir
 * @property {number} startSeconds
 * @property {ReturnType<typeof snapshot>} processes At the end of the baseline.
 * @property {ReturnType<typeof snapshot>} processesAfterLoad At the end of the settle.
 * @property {[number, number][]} samples [seconds since the bench began, RSS bytes]
 * @property {{ workload: string; from: number; to: number }[]} loads
 * @property {Promise<void> | undefined} stopping
 * @property {Record<string, unknown> | undefined} stopped
 */

const benchStart = performance.now();
const startedAt = new Date();
/** Seconds since the bench began. */
const clock = () => (performance.now() - benchStart) / 1000;
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** @param {string} line */
const log = (line) => console.log(`bench [${clock().toFixed(1).padStart(6)} s] ${line}`);

/** @type {Target[]} */
const targets = [];
/** @type {Set<import("node:child_process").ChildProcess>} */
const clients = new Set();
/** @type {string[]} */
const tempDirs = [];

const OUTPUT_CAP = 64 * 1024;

/**
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} pid
 * @param {TargetName} name
 * @param {"wrangler" | "node"} how
 * @param {string | undefined} dataDir
 * @returns {Target}
 */
function track(child, pid, name, how, dataDir) {
  /** @type {Target} */
  const target = {
    name,
    label: { tributary: "Tributary", kinesalite: "kinesalite", ceiling: "ceiling" }[name],
    how,
    pid,
    groups: new Set([pid]),
    child,
    exited: new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        target.exit = { code, signal };
        resolve({ code, signal });
      });
    }),
    exit: undefined,
    output: "",
    stderr: "",
    endpoint: "",
    dataDir,
    startSeconds: 0,
    processes: [],
    processesAfterLoad: [],
    samples: [],
    loads: [],
    stopping: undefined,
    stopped: undefined,
  };
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (/** @type {string} */ chunk) => {
    if (target.output.length < OUTPUT_CAP) target.output += chunk;
  });
  child.stderr?.on("data", (/** @type {string} */ chunk) => {
    if (target.output.length < OUTPUT_CAP) target.output += chunk;
    if (target.stderr.length < OUTPUT_CAP) target.stderr += chunk;
  });
  targets.push(target);
  return target;
}

/**
 * start.mjs runs serve.mjs (and through it wrangler and workerd) in a process
 * group of its own: add the groups of its children.
 *
 * @param {Target} target
 * @param {import("../scripts/processes.mjs").ProcessInfo[]} [processes]
 */
function discoverGroups(target, processes = listProcesses()) {
  if (target.how !== "wrangler" || target.exit !== undefined) {
    return;
  }
  for (const p of processes) {
    if (p.ppid === target.pid) {
      target.groups.add(p.pgid);
    }
  }
}

/**
 * A process's command line, shortened: paths relative to the project.
 *
 * @param {number} pid
 */
function commandLine(pid) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return argv
      .map((arg) => (arg.startsWith(`${root}/`) ? path.relative(root, arg) : arg))
      .join(" ")
      .slice(0, 200);
  } catch {
    return "";
  }
}

/**
 * "serve.mjs" for a Node process running scripts/serve.mjs, else the command.
 *
 * @param {{ command: string; commandLine: string }} p
 */
function shortName(p) {
  const script = p.commandLine.split(" ")[1];
  return p.command === "MainThread" && script !== undefined ? path.basename(script) : p.command;
}

/**
 * Which processes the target's groups hold now, with the RSS of each.
 *
 * @param {Target} target
 */
function snapshot(target) {
  discoverGroups(target);
  return livingInGroups(target.groups).map((p) => ({
    pid: p.pid,
    pgid: p.pgid,
    command: p.command,
    commandLine: commandLine(p.pid),
    rssMiB: Math.round((rssBytes(p.pid) / MIB) * 10) / 10,
  }));
}

/**
 * Tributary, or the ceiling Worker, the way `npm start` runs it.
 *
 * @param {"tributary" | "ceiling"} name
 */
async function startWrangler(name) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tributary-bench-${name}-`));
  tempDirs.push(dataDir);
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    PORT: String(port),
    KINESIS_DATA_DIR: dataDir,
    CREATE_STREAM_MS: "0",
    DELETE_STREAM_MS: "0",
    // Throughput limits are not there yet; this keeps the bench right once they are.
    KINESIS_LIMITS: "off",
  };
  delete env.TRIBUTARY_WRANGLER_CONFIG;
  if (options.http2Front) delete env.TRIBUTARY_HTTP2;
  else env.TRIBUTARY_HTTP2 = "off";
  if (name === "ceiling") {
    env.TRIBUTARY_WRANGLER_CONFIG = CEILING_CONFIG;
  }
  const t0 = performance.now();
  const child = spawn(process.execPath, [START], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  if (child.pid === undefined) {
    throw new Error(`cannot spawn ${START}`);
  }
  const target = track(child, child.pid, name, "wrangler", dataDir);
  target.endpoint = await new Promise((resolve, reject) => {
    let pending = "";
    const timer = setTimeout(
      () => reject(new Error(`${name} did not report ready in 120 s:\n${target.output}`)),
      120_000,
    );
    child.stdout?.on("data", (/** @type {string} */ chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const match = READY_LINE.exec(line);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      }
    });
    void target.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`${name} exited (${code ?? signal}) before it was ready:\n${target.output}`),
      );
    });
  });
  target.startSeconds = (performance.now() - t0) / 1000;
  discoverGroups(target);
  return target;
}

/**
 * Sends one request and resolves with its status, or rejects.
 *
 * @param {number} port
 */
function probe(port) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        agent: false,
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "Kinesis_20131202.ListStreams",
        },
        timeout: 1000,
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
    request.end("{}");
  });
}

/** kinesalite, in memory. */
async function startKinesalite() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      KINESALITE,
      "--port",
      String(port),
      "--createStreamMs",
      "0",
      "--deleteStreamMs",
      "0",
      "--updateStreamMs",
      "0",
      // Its default of 10 shards would refuse a third 4-shard stream while an
      // older one is still being deleted; the count is bookkeeping, not load.
      "--shardLimit",
      "100000",
    ],
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  if (child.pid === undefined) {
    throw new Error(`cannot spawn ${KINESALITE}`);
  }
  const target = track(child, child.pid, "kinesalite", "node", undefined);
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (target.exit !== undefined) {
      throw new Error(`kinesalite exited before it answered:\n${target.output}`);
    }
    try {
      await probe(port);
      break;
    } catch {
      if (performance.now() > deadline) {
        throw new Error(`kinesalite did not answer in 30 s:\n${target.output}`);
      }
      await sleep(100);
    }
  }
  target.endpoint = `http://127.0.0.1:${port}`;
  target.startSeconds = (performance.now() - t0) / 1000;
  return target;
}

/**
 * Stops a target: start.mjs gets SIGTERM (it disposes the Worker and then its
 * child group), kinesalite's group gets SIGTERM; after a bounded wait, both
 * groups get SIGKILL for whatever is left.
 *
 * @param {Target} target
 */
function stopTarget(target) {
  target.stopping ??= (async () => {
    discoverGroups(target);
    const t0 = performance.now();
    if (target.exit === undefined) {
      if (target.how === "wrangler") {
        try {
          process.kill(target.pid, "SIGTERM");
        } catch {
          // Gone already.
        }
      } else {
        signalGroup(target.pid, "SIGTERM");
      }
    }
    const graceMs = target.how === "wrangler" ? 20_000 : 5_000;
    /** @type {NodeJS.Timeout | undefined} */
    let grace;
    const outcome = await Promise.race([
      target.exited,
      new Promise((resolve) => {
        grace = setTimeout(() => resolve(undefined), graceMs);
      }),
    ]);
    clearTimeout(grace);
    const stopSeconds = (performance.now() - t0) / 1000;
    const leftover = livingInGroups(target.groups).map((p) => `${p.pid} ${p.command}`);
    for (const group of target.groups) {
      signalGroup(group, "SIGKILL");
    }
    const killDeadline = performance.now() + 5_000;
    while (livingInGroups(target.groups).length > 0 && performance.now() < killDeadline) {
      await sleep(50);
    }
    const survivors = livingInGroups(target.groups).map((p) => `${p.pid} ${p.command}`);
    target.stopped = {
      exit: outcome ?? "did not exit in time",
      seconds: Math.round(stopSeconds * 100) / 100,
      leftAfterExit: leftover,
      survivorsAfterKill: survivors,
    };
    if (target.dataDir !== undefined) {
      rmSync(target.dataDir, { recursive: true, force: true });
    }
  })();
  return target.stopping;
}

// ---------------------------------------------------------------- cleanup

/** @type {Promise<void> | undefined} */
let cleaning;
/** Stops every client and server; safe to call more than once. */
function cleanup() {
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
  const groups = new Set(targets.flatMap((target) => [...target.groups]));
  for (const target of targets) {
    discoverGroups(target);
  }
  const living = new Set(livingInGroups(groups).map((p) => p.pgid));
  for (const group of living) {
    signalGroup(group, "SIGKILL");
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
/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  if (interrupted) {
    console.error(`bench: ${signal} again; killing everything now`);
    process.exit(1);
  }
  interrupted = true;
  console.error(`bench: ${signal}; stopping the servers (again to force)`);
  void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
}
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
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
    if (target.stopping !== undefined) {
      continue;
    }
    discoverGroups(target, processes);
    let bytes = 0;
    for (const p of processes) {
      if (target.groups.has(p.pgid)) {
        bytes += rssBytes(p.pid);
      }
    }
    target.samples.push([t, bytes]);
  }
}, options.memorySampleMs);
sampler.unref();

/** @param {number[]} values */
function median(values) {
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
 *
 * @param {number[]} values
 */
function slicesOf(values) {
  if (values.length < FLAT.slices * 2) return { slices: [], monotonic: null };
  /** @type {number[]} */
  const slices = [];
  for (let i = 0; i < FLAT.slices; i++) {
    const from = Math.floor((i * values.length) / FLAT.slices);
    const to = Math.floor(((i + 1) * values.length) / FLAT.slices);
    slices.push(/** @type {number} */ (median(values.slice(from, to))));
  }
  const monotonic = slices.every(
    (value, i) => i === 0 || value > FLAT.stepGrowth * (slices[i - 1] ?? value),
  );
  return { slices, monotonic };
}

/**
 * @param {Target} target
 * @param {{ from: number; to: number }} baseline
 * @param {{ from: number; to: number }} settle
 */
function memoryFigures(target, baseline, settle) {
  const within = (/** @type {number} */ from, /** @type {number} */ to) =>
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

/**
 * Runs one job in a fresh client process and records the load interval.
 *
 * @param {Target} target
 * @param {string} workload
 * @param {import("./client.mjs").Job} job
 * @returns {Promise<{ ok: true; result: any } | { ok: false; error: string }>}
 */
async function runJob(target, workload, job) {
  if (interrupted) {
    throw new Error("interrupted");
  }
  const from = clock();
  const child = spawn(process.execPath, [CLIENT], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  clients.add(child);
  /** @type {{ ok: true; result: any } | { ok: false; error: string }} */
  const outcome = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ ok: false, error: `the client did not finish in ${job.timeoutMs + 15_000} ms` });
    }, job.timeoutMs + 15_000);
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(/** @type {any} */ (message));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `the client exited (${code ?? signal}) without a result` });
    });
    child.send(job);
  });
  await new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(undefined);
    else child.once("exit", () => resolve(undefined));
  });
  clients.delete(child);
  target.loads.push({ workload, from, to: clock() });
  return outcome;
}

/**
 * @param {string} workload
 * @param {Target} target
 * @returns {import("./client.mjs").Job | undefined}
 */
function jobFor(workload, target) {
  const { endpoint } = target;
  const { shards, producers } = options;
  if (workload in PUT_SIZES) {
    const recordBytes = PUT_SIZES[/** @type {keyof typeof PUT_SIZES} */ (workload)];
    return {
      kind: "put",
      endpoint,
      stream: `${workload}-s${shards}-b${recordBytes}`,
      shards,
      recordBytes,
      producers,
      warmupSeconds: options.warmupSeconds,
      seconds: options.seconds,
      timeoutMs: (options.warmupSeconds + options.seconds) * 1000 + 60_000,
    };
  }
  if (workload === "drain") {
    return {
      kind: "drain",
      endpoint,
      stream: `drain-s${shards}-n${options.drainRecords}-b${options.drainRecordBytes}`,
      shards,
      records: options.drainRecords,
      recordBytes: options.drainRecordBytes,
      producers,
      limit: options.drainLimit,
      timeoutMs: 600_000,
    };
  }
  if (workload === "latency") {
    return {
      kind: "latency",
      endpoint,
      stream: `latency-s${shards}`,
      shards,
      rate: options.latencyRate,
      producers,
      delivers: target.name !== "ceiling",
      warmupSeconds: options.warmupSeconds,
      seconds: options.latencySeconds,
      timeoutMs: (options.warmupSeconds + options.latencySeconds) * 1000 + 60_000,
    };
  }
  return undefined;
}

/** @param {Record<string, any>} result */
function oneLine(result) {
  if ("getRecordsCallLatencyMs" in result) {
    const calls = `PutRecord call p99 ${result.putCallLatencyMs.p99} ms, GetRecords call p99 ${result.getRecordsCallLatencyMs.p99} ms, ${fmt(result.getRecordsCallsPerSecond)} GetRecords calls/s`;
    return result.latencyMs === null
      ? calls
      : `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.received}/${result.measured} received; ${calls}`;
  }
  if ("verified" in result) {
    return `loaded ${fmt(result.load.recordsPerSecond)} rec/s; drained ${result.read}/${result.written} at ${fmt(result.recordsPerSecond)} rec/s, ${result.mibPerSecond.toFixed(1)} MiB/s`;
  }
  return `${fmt(result.recordsPerSecond)} rec/s, ${result.mibPerSecond.toFixed(1)} MiB/s, p50 ${result.callLatencyMs.p50} ms, p99 ${result.callLatencyMs.p99} ms, failed ${result.failedRecords}, errors ${result.errors.count}`;
}

// ---------------------------------------------------------------- report

/** @param {number | null | undefined} value */
function fmt(value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * @param {number | null | undefined} a
 * @param {number | null | undefined} b
 */
function ratio(a, b) {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) {
    return null;
  }
  return a / b;
}

/**
 * @param {string[][]} rows
 * @param {("l" | "r")[]} align
 */
function table(rows, align) {
  const widths = /** @type {string[]} */ (rows[0]).map((_, i) =>
    Math.max(...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (/** @type {string[]} */ row) =>
    row
      .map((cell, i) =>
        align[i] === "r" ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const [head, ...body] = rows;
  return [
    line(/** @type {string[]} */ (head)),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
  ].join("\n");
}

/** @param {string} name */
function packageVersion(name) {
  try {
    const json = JSON.parse(
      readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"),
    );
    return String(json.version);
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
  /** @param {string[]} args */
  const git = (args) => {
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

/** @type {Record<string, Partial<Record<TargetName, any>>>} */
const results = {};

async function main() {
  const loadAverageAtStart = os.loadavg();
  log(
    `workloads ${options.workloads.join(", ")}; targets ${options.targets.join(", ")}; ` +
      `HTTP/2 front ${options.http2Front ? "on" : "off"}; ` +
      `${os.availableParallelism()} CPUs, load average ${loadAverageAtStart.map((n) => n.toFixed(2)).join(" ")}`,
  );

  /** @type {Record<TargetName, () => Promise<Target>>} */
  const starters = {
    tributary: () => startWrangler("tributary"),
    kinesalite: () => startKinesalite(),
    ceiling: () => startWrangler("ceiling"),
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
    target.processes = snapshot(target);
    log(
      `${target.label} (process groups ${[...target.groups].join(", ")}): ` +
        target.processes.map((p) => `${shortName(p)} ${p.rssMiB} MiB`).join(", "),
    );
  }

  // Workload by workload, each target in turn: a drift in the machine's load
  // over the run then hits all targets of a workload alike.
  for (const workload of options.workloads) {
    results[workload] = {};
    for (const target of targets) {
      const job = jobFor(workload, target);
      if (job === undefined) {
        continue;
      }
      log(`${workload} against ${target.label}…`);
      const outcome = await runJob(target, workload, job);
      if (outcome.ok) {
        /** @type {any} */ (results[workload])[target.name] = outcome.result;
        log(`${workload} against ${target.label}: ${oneLine(outcome.result)}`);
      } else {
        /** @type {any} */ (results[workload])[target.name] = { error: outcome.error };
        log(`${workload} against ${target.label} FAILED: ${outcome.error}`);
      }
      if (target.exit !== undefined) {
        throw new Error(`${target.label} exited during ${workload}:\n${target.output}`);
      }
      await sleep(1000);
    }
  }

  const settle = { from: clock(), to: 0 };
  log(`settling for ${options.settleSeconds} s`);
  await sleep(options.settleSeconds * 1000);
  settle.to = clock();
  const loadAverageAtEnd = os.loadavg();
  for (const target of targets) {
    target.processesAfterLoad = snapshot(target);
  }

  clearInterval(sampler);
  /** @type {Partial<Record<TargetName, ReturnType<typeof memoryFigures>>>} */
  const memory = {};
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

/**
 * @param {Partial<Record<TargetName, ReturnType<typeof memoryFigures>>>} memory
 * @param {number} durationSeconds
 * @param {number[]} loadAverageAtStart
 * @param {number[]} loadAverageAtEnd
 */
function report(memory, durationSeconds, loadAverageAtStart, loadAverageAtEnd) {
  /** @type {{ metric: string; better: string; tributary: number | null; kinesalite: number | null; ceiling?: number | null; digits: number; text?: Partial<Record<TargetName, string>>; reference?: boolean }[]} */
  const rows = [];
  /**
   * @param {string} workload
   * @param {TargetName} name
   * @param {(r: any) => number | null | undefined} pick
   */
  const value = (workload, name, pick) => {
    const r = results[workload]?.[name];
    if (r === undefined || "error" in r) return null;
    return pick(r) ?? null;
  };
  for (const workload of Object.keys(PUT_SIZES)) {
    if (results[workload] === undefined) continue;
    const size = PUT_SIZES[/** @type {keyof typeof PUT_SIZES} */ (workload)];
    const name = `PutRecords ${size >= MIB ? "1 MiB" : size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`;
    /** @type {[string, string, (r: any) => number, number, boolean][]} */
    const metrics = [
      ["records/s", "higher", (r) => r.recordsPerSecond, 0, true],
      ["MiB/s", "higher", (r) => r.mibPerSecond, 1, true],
      ["call p50 ms", "lower", (r) => r.callLatencyMs.p50, 1, true],
      ["call p99 ms", "lower", (r) => r.callLatencyMs.p99, 1, true],
      [
        "failed records + errors (must be 0)",
        "0",
        (r) => r.failedRecords + r.errors.count,
        0,
        true,
      ],
    ];
    for (const [metric, better, pick, digits, ceiling] of metrics) {
      rows.push({
        metric: `${name} ${metric}`,
        better,
        tributary: value(workload, "tributary", pick),
        kinesalite: value(workload, "kinesalite", pick),
        ceiling: ceiling ? value(workload, "ceiling", pick) : undefined,
        digits,
      });
    }
  }
  if (results.drain !== undefined) {
    const n = options.drainRecords;
    rows.push(
      {
        metric: `GetRecords drain (${fmt(n)} × 1 KiB) records/s`,
        better: "higher",
        tributary: value("drain", "tributary", (r) => r.recordsPerSecond),
        kinesalite: value("drain", "kinesalite", (r) => r.recordsPerSecond),
        ceiling: value("drain", "ceiling", (r) => r.recordsPerSecond),
        digits: 0,
      },
      {
        metric: "GetRecords drain MiB/s",
        better: "higher",
        tributary: value("drain", "tributary", (r) => r.mibPerSecond),
        kinesalite: value("drain", "kinesalite", (r) => r.mibPerSecond),
        ceiling: value("drain", "ceiling", (r) => r.mibPerSecond),
        digits: 1,
      },
      {
        metric: "GetRecords drain: records read (must equal written)",
        better: "=",
        tributary: value("drain", "tributary", (r) => r.read),
        kinesalite: value("drain", "kinesalite", (r) => r.read),
        digits: 0,
        text: Object.fromEntries(
          TARGETS.map((name) => {
            const r = results.drain?.[name];
            return [
              name,
              r === undefined
                ? "—"
                : "error" in r
                  ? "error"
                  : `${fmt(r.read)}/${fmt(r.written)} ${r.verified ? "ok" : "MISMATCH"}`,
            ];
          }),
        ),
      },
      {
        metric: "  (loading it: PutRecords records/s)",
        better: "higher",
        tributary: value("drain", "tributary", (r) => r.load.recordsPerSecond),
        kinesalite: value("drain", "kinesalite", (r) => r.load.recordsPerSecond),
        ceiling: value("drain", "ceiling", (r) => r.load.recordsPerSecond),
        digits: 0,
      },
    );
  }
  if (results.latency !== undefined) {
    rows.push(
      {
        metric: `Put-to-read latency p50 ms (${options.latencyRate}/s)`,
        better: "lower",
        tributary: value("latency", "tributary", (r) => r.latencyMs.p50),
        kinesalite: value("latency", "kinesalite", (r) => r.latencyMs.p50),
        digits: 1,
      },
      {
        metric: "Put-to-read latency p99 ms",
        better: "lower",
        tributary: value("latency", "tributary", (r) => r.latencyMs.p99),
        kinesalite: value("latency", "kinesalite", (r) => r.latencyMs.p99),
        digits: 1,
      },
      // The same calls' own latency, the ceiling included: what the runtime
      // itself adds under this load, with nothing stored or read.
      ...[
        ["  PutRecord call p99 ms, under the polling", "lower", (r) => r.putCallLatencyMs.p99, 1],
        ["  GetRecords call p99 ms", "lower", (r) => r.getRecordsCallLatencyMs.p99, 1],
        [
          `  GetRecords calls/s (${options.shards} tight pollers)`,
          "higher",
          (r) => r.getRecordsCallsPerSecond,
          0,
        ],
      ].map(
        /** @param {[string, string, (r: any) => number, number]} row */
        ([metric, better, pick, digits]) => ({
          metric,
          better,
          tributary: value("latency", "tributary", pick),
          kinesalite: value("latency", "kinesalite", pick),
          ceiling: value("latency", "ceiling", pick),
          digits,
        }),
      ),
      {
        metric: "Put-to-read records missing + errors (must be 0)",
        better: "0",
        tributary: value(
          "latency",
          "tributary",
          (r) => r.missing + r.putErrors.count + r.readErrors.count,
        ),
        kinesalite: value(
          "latency",
          "kinesalite",
          (r) => r.missing + r.putErrors.count + r.readErrors.count,
        ),
        digits: 0,
      },
    );
  }
  /** @type {[string, "baselineBytes" | "peakBytes" | "steadyLoadBytes" | "afterLoadBytes"][]} */
  const memoryRows = [
    ["baseline", "baselineBytes"],
    ["peak", "peakBytes"],
    ["steady under load (median)", "steadyLoadBytes"],
    ["after load", "afterLoadBytes"],
  ];
  for (const [label, key] of memoryRows) {
    const pick = (/** @type {TargetName} */ name) => {
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
    value("put-1k", "tributary", (r) => r.recordsPerSecond),
    value("put-1k", "kinesalite", (r) => r.recordsPerSecond),
  );
  const drainRatio = ratio(
    value("drain", "tributary", (r) => r.recordsPerSecond),
    value("drain", "kinesalite", (r) => r.recordsPerSecond),
  );
  const p99 = value("latency", "tributary", (r) => r.latencyMs.p99);
  const flat = memory.tributary?.flat ?? null;
  const verdict = (/** @type {boolean | null} */ ok) =>
    ok === null ? "not measured" : ok ? "MET" : "NOT MET";
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
        memory.tributary === undefined
          ? "—"
          : `steady ${fmt((memory.tributary.steadyLoadBytes ?? 0) / MIB)} MiB, after ${fmt((memory.tributary.afterLoadBytes ?? 0) / MIB)} MiB; ${memory.tributary.grewIn.length === 0 ? "no workload grew at every step" : `grew at every step in ${memory.tributary.grewIn.join(", ")}`} (whole run: ${memory.tributary.sliceMediansBytes.map((b) => fmt(b / MIB)).join(" → ")} MiB)`,
    },
  ];
  console.log("\nTargets (Tributary):");
  for (const goal of goals) {
    console.log(`  ${verdict(goal.met).padEnd(12)} ${goal.goal}: ${goal.shown}`);
  }
  console.log(
    `\nMemory: RSS summed over every process of the target's process groups; ${FLAT_DEFINITION}`,
  );

  const problems = [];
  for (const [workload, byTarget] of Object.entries(results)) {
    for (const [name, r] of Object.entries(byTarget)) {
      if (r === undefined) continue;
      if ("error" in r) problems.push(`${workload} / ${name}: ${r.error}`);
      for (const key of ["errors", "putErrors", "readErrors"]) {
        if (r[key]?.count > 0)
          problems.push(
            `${workload} / ${name}: ${r[key].count} ${key}: ${r[key].samples.join(" | ")}`,
          );
      }
      if (r.load?.errors?.count > 0)
        problems.push(
          `${workload} / ${name}: ${r.load.errors.count} load errors: ${r.load.errors.samples.join(" | ")}`,
        );
      if (r.deleteError)
        problems.push(`${workload} / ${name}: DeleteStream failed: ${r.deleteError}`);
    }
  }
  for (const target of targets) {
    if (target.stderr.trim() !== "") {
      problems.push(`${target.label} wrote to stderr:\n${target.stderr.trim()}`);
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
          stderr: target.stderr,
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
