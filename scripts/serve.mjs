// @ts-check
/**
 * Hosts the Worker for `npm start`: serves the Kinesis API on the Workers
 * runtime with stream data persisted on local disk. scripts/start.mjs runs
 * this file in a process group of its own and stops it with SIGTERM; it also
 * runs standalone (`node scripts/serve.mjs`).
 *
 * Environment:
 * - PORT (default 4567; 0 lets the OS pick) and KINESIS_DATA_DIR (default
 *   `.tributary/data` under the project root; a relative path resolves
 *   against the project root).
 * - ACCOUNT_ID, CREATE_STREAM_MS, DELETE_STREAM_MS: passed to the Worker as
 *   vars when set; otherwise wrangler.toml's [vars] apply.
 * - TRIBUTARY_WRANGLER_CONFIG (default `wrangler.toml` in the project root; a
 *   relative path resolves against the project root): the wrangler config of
 *   the Worker to serve. The benchmark uses it to serve its do-nothing
 *   "ceiling" Worker (bench/ceiling) exactly the way Tributary is served.
 * - WRANGLER_LOG: wrangler's own log level. We default it to "warn", which
 *   keeps wrangler's banners, binding table and per-request lines quiet while
 *   still printing warnings, errors and the Worker's console.warn/error output.
 *
 * How it launches the Worker, and why: Miniflare, in this process, with the
 * Worker bundled by esbuild and configured from the wrangler config through
 * wrangler's own translation (`unstable_getMiniflareWorkerOptions`), and data
 * under `<data dir>/v3`, where `wrangler dev --persist-to <data dir>` keeps it.
 * `wrangler dev` (and `unstable_startWorker`, which the tests use) runs two
 * workerd processes, a proxy for live reload in front of the Worker; every
 * request then crosses HTTP twice. Serving from one Miniflare removes that hop:
 * on this machine's benchmark it raised PutRecords throughput and cut
 * put-to-read latency and resident memory (see the commit that made the
 * change). Miniflare hands back the bound URL, so PORT=0 works; its `ready`
 * rejects when the port is taken; `dispose()` stops workerd. One wrinkle:
 * miniflare installs its own SIGINT/SIGTERM/SIGHUP listeners that SIGKILL
 * workerd and exit 130/143; once the Worker is ready we remove them, so a
 * signal leads to dispose() and exit 0.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Set before wrangler loads; a caller's own setting wins.
// No network at run time: without this, wrangler fetches request.cf data.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_LOG ??= "warn";
process.env.WRANGLER_SEND_METRICS ??= "false";
// Otherwise wrangler writes a debug log under ~/.config/.wrangler/logs.
process.env.WRANGLER_WRITE_LOGS ??= "false";

/** The vars that the Worker reads, passed through when set. */
const PASSTHROUGH_VARS = [
  "ACCOUNT_ID",
  "CREATE_STREAM_MS",
  "DELETE_STREAM_MS",
  "UPDATE_STREAM_MS",
  "SHARD_LIMIT",
  "ITERATOR_SECRET",
  "KINESIS_LIMITS",
  "ON_DEMAND_SCALE_MS",
];

/** How long a stop may take before we give up waiting and exit non-zero. */
const STOP_TIMEOUT_MS = 15_000;
/** After a failed start wrangler may never finish disposing; wait this long. */
const FAILED_STOP_TIMEOUT_MS = 5_000;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`tributary: ${message}`);
  process.exit(1);
}

/** @returns {number} */
function readPort() {
  const raw = process.env.PORT;
  if (raw === undefined || raw.trim() === "") {
    return 4567;
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`PORT must be an integer from 0 to 65535, not ${JSON.stringify(raw)}`);
  }
  return port;
}

/** @returns {string} */
function readDataDir() {
  const raw = process.env.KINESIS_DATA_DIR;
  const dir = raw === undefined || raw.trim() === "" ? ".tributary/data" : raw;
  return path.resolve(root, dir);
}

/** @returns {Record<string, string>} */
function readVars() {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const name of PASSTHROUGH_VARS) {
    const value = process.env[name];
    if (value !== undefined && value !== "") {
      vars[name] = value;
    }
  }
  return vars;
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function describe(error) {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? "" : `\n  caused by: ${describe(error.cause)}`;
    return `${error.stack ?? error.message}${cause}`;
  }
  return String(error);
}

/** @returns {string} */
function readConfig() {
  const raw = process.env.TRIBUTARY_WRANGLER_CONFIG;
  return raw === undefined || raw.trim() === ""
    ? path.join(root, "wrangler.toml")
    : path.resolve(root, raw);
}

const port = readPort();
/** HTTP/2 (cleartext, prior knowledge) beside HTTP/1.1 on the same port, unless TRIBUTARY_HTTP2=off. */
const h2Front = process.env.TRIBUTARY_HTTP2 !== "off";
const dataDir = readDataDir();
const config = readConfig();
const vars = readVars();

try {
  mkdirSync(dataDir, { recursive: true });
} catch (error) {
  fail(`cannot create the data directory ${dataDir}: ${describe(error)}`);
}

/** @typedef {{ dispose(): Promise<void> }} Worker */

/** @type {Worker | undefined} */
let worker;
/** @type {string | undefined} */
let stopReason;
/** @type {Promise<never> | undefined} */
let stopping;

const SIGNALS = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);

/**
 * Begins a clean stop. During startup it stops as soon as there is a Worker
 * to dispose.
 *
 * @param {string} reason
 */
function requestStop(reason) {
  if (stopReason !== undefined) {
    return;
  }
  stopReason = reason;
  if (worker !== undefined) {
    void stop(worker, 0);
  }
}

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  if (stopReason !== undefined) {
    console.error(`tributary: ${signal} while stopping; exiting now`);
    process.exit(1);
  }
  requestStop(signal);
}

for (const signal of SIGNALS) {
  process.on(signal, onSignal);
}

// Started by scripts/start.mjs with an IPC channel: if that parent goes away,
// however it went, stop rather than outlive it.
if (process.channel !== undefined) {
  process.channel.unref();
  process.on("disconnect", () => requestStop("disconnect"));
}

/**
 * Disposes the Worker (the proxy and the workerd processes) and exits with `code`.
 * Wrangler can fail to finish disposing after a failed start, so the wait is
 * bounded; on exit miniflare's own exit hook still SIGKILLs its workerd.
 *
 * @param {Worker} running
 * @param {number} code
 * @returns {Promise<never>}
 */
function stop(running, code) {
  stopping ??= (async () => {
    const clean = code === 0;
    const timer = setTimeout(
      () => {
        if (clean) {
          console.error("tributary: the Worker did not stop in time; exiting");
        }
        process.exit(1);
      },
      clean ? STOP_TIMEOUT_MS : FAILED_STOP_TIMEOUT_MS,
    );
    try {
      await running.dispose();
    } catch (error) {
      if (clean) {
        console.error(`tributary: error while stopping: ${describe(error)}`);
      }
      process.exit(1);
    }
    clearTimeout(timer);
    process.exit(code);
  })();
  return stopping;
}

/** Leave ours as the only listener that decides how a signal ends the process. */
function takeOverSignals() {
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (listener !== onSignal) {
        process.removeListener(signal, listener);
      }
    }
  }
}

/**
 * Bundles the Worker the wrangler config names and starts it on Miniflare.
 *
 * @returns {Promise<{ worker: Worker; url: URL }>}
 */
async function startWorker() {
  const [{ build, stop: stopEsbuild }, { Miniflare, convertV4MiniflareOptions }, wrangler] =
    await Promise.all([import("esbuild"), import("miniflare"), import("wrangler")]);
  const wranglerConfig = wrangler.unstable_readConfig({ config });
  if (!wranglerConfig.main) {
    throw new Error(`${config} names no entry module (main)`);
  }
  // The Workers runtime's module conditions, as wrangler bundles for them.
  const bundle = await build({
    entryPoints: [path.resolve(path.dirname(config), wranglerConfig.main)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    write: false,
    outfile: "index.js",
    logLevel: "warning",
  });
  // The bundle is built once: esbuild's service process need not stay.
  await stopEsbuild();
  const [output] = bundle.outputFiles;
  if (!output) {
    throw new Error("esbuild produced no bundle");
  }
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(wranglerConfig);
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      // Miniflare's own entry socket, for its internals; clients use the direct one below.
      port: 0,
      // For profiling: Chrome DevTools (or any inspector client) attaches here.
      ...(process.env.TRIBUTARY_INSPECTOR_PORT
        ? { inspectorPort: Number(process.env.TRIBUTARY_INSPECTOR_PORT) }
        : {}),
      resourcePersistencePath: path.join(dataDir, "v3"),
      workers: [
        {
          ...workerOptions,
          name: wranglerConfig.name ?? "worker",
          bindings: { ...workerOptions.bindings, ...vars },
          modules: [{ type: "ESModule", path: "index.js", contents: output.text }],
          // A socket straight to the Worker. Miniflare's entry socket passes
          // every request through a router Worker of its own (request logging,
          // error pages, the \`cf\` object), which streamed each body once more
          // and took as much CPU as the Worker itself under load.
          unsafeDirectSockets: [{ host: "127.0.0.1", port: h2Front ? 0 : port }],
        },
      ],
    }),
  );
  worker = miniflare;
  await miniflare.ready;
  const workerUrl = await miniflare.unsafeGetDirectURL(wranglerConfig.name ?? "worker");
  if (!h2Front) return { worker: miniflare, url: workerUrl };
  const { startFront } = await import("../local/front.ts");
  const front = await startFront({ host: "127.0.0.1", port, target: workerUrl });
  const both = {
    async dispose() {
      await front.close();
      await miniflare.dispose();
    },
  };
  worker = both;
  return { worker: both, url: front.url };
}

try {
  const started = await startWorker();
  takeOverSignals();
  if (stopReason !== undefined) {
    await stop(started.worker, 0);
  }
  // One write, so a reader of the first line has the second as well.
  process.stdout.write(
    `Tributary is serving the Kinesis API at ${started.url.origin}\nStream data is stored in ${dataDir}\n`,
  );
} catch (error) {
  let detail = describe(error);
  if (/address already in use|EADDRINUSE/i.test(detail)) {
    detail += " (PORT sets the port.)";
  }
  console.error(`tributary: the Worker failed to start: ${detail}`);
  if (worker === undefined) {
    process.exit(1);
  }
  await stop(worker, 1);
}
