/**
 * The Worker as Miniflare takes it: bundled by esbuild for the Workers
 * runtime's module conditions (as wrangler bundles), with a source map, and
 * configured from the wrangler config through wrangler's own translation
 * (`unstable_getMiniflareWorkerOptions`), so bindings, Durable Objects and
 * vars mean what they mean under `wrangler dev`.
 *
 * Why a process of its own: wrangler and esbuild are needed for a second at
 * start and never again, but once imported they would hold about 125 MiB of
 * the runtime process for as long as it serves. A worker thread is not
 * enough: measured here, the runtime kept 110 MiB more resident after the
 * thread had ended, as the allocator keeps what the thread's isolate freed.
 * A process's memory goes back to the system when it exits.
 *
 * And why a cache: bundling takes over a second (wrangler alone takes most
 * of it to load), while the Worker's sources rarely change between starts.
 * A bundle is reused while every file it was made from has the size and
 * modification time it had then; any edit makes the next start bundle again.
 */
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface WorkerBundle {
  /** The Worker's name in the wrangler config. */
  readonly name: string;
  /** The bundled module, served as `index.js`. */
  readonly script: string;
  /** Its source map (JSON), with paths relative to the project. */
  readonly sourceMap: string;
  /** Miniflare's worker options from the wrangler config, plain data. */
  readonly workerOptions: Record<string, unknown>;
  /** Every file the bundle and the options were made from, absolute. */
  readonly inputs: readonly string[];
}

/**
 * The Worker that `configPath` names, bundled: from the cache when none of
 * the files it was made from has changed since, else freshly (and cached).
 */
export async function bundleWorker(configPath: string): Promise<WorkerBundle> {
  const cached = await readCachedBundle(configPath);
  if (cached !== undefined) return cached;
  const started = Date.now();
  const fresh = await buildBundle(configPath);
  // A cache that can't be written only costs the next start its time.
  await writeCachedBundle(configPath, fresh, started).catch(() => {});
  return fresh;
}

/** Bundles the Worker that `configPath` names, in a process that ends when it is done. */
function buildBundle(configPath: string): Promise<WorkerBundle> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url), [configPath], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: [],
    });
    let settled = false;
    child.once("message", (message: unknown) => {
      settled = true;
      const bundle = decodeBundle(message);
      if (bundle instanceof Error) reject(bundle);
      else resolve(bundle);
      child.disconnect();
    });
    child.once("error", (error) => {
      settled = true;
      reject(error);
    });
    child.once("exit", (code) => {
      if (!settled) reject(new Error(`bundling the Worker ended with code ${code}`));
    });
  });
}

/** Narrows a bundle that crossed a process boundary (the bundler's message, the cache, IPC): a bundle, or the error it reported. */
export function decodeBundle(message: unknown): WorkerBundle | Error {
  if (typeof message !== "object" || message === null) return new Error("no bundle");
  if ("error" in message && typeof message.error === "string") return new Error(message.error);
  if (
    "name" in message &&
    typeof message.name === "string" &&
    "script" in message &&
    typeof message.script === "string" &&
    "sourceMap" in message &&
    typeof message.sourceMap === "string" &&
    "workerOptions" in message &&
    typeof message.workerOptions === "object" &&
    message.workerOptions !== null &&
    "inputs" in message &&
    Array.isArray(message.inputs)
  ) {
    return {
      name: message.name,
      script: message.script,
      sourceMap: message.sourceMap,
      workerOptions: Object.fromEntries(Object.entries(message.workerOptions)),
      inputs: message.inputs.filter((input): input is string => typeof input === "string"),
    };
  }
  return new Error("the bundler sent something else");
}

/** In the bundler process: build, translate, send, end. */
async function build(configPath: string): Promise<WorkerBundle> {
  const [{ build: esbuild, stop }, wrangler] = await Promise.all([
    import("esbuild"),
    import("wrangler"),
  ]);
  const config = wrangler.unstable_readConfig({ config: configPath });
  if (!config.main) throw new Error(`${configPath} names no entry module (main)`);
  const result = await esbuild({
    entryPoints: [path.resolve(path.dirname(configPath), config.main)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    write: false,
    outfile: path.join(path.dirname(configPath), "index.js"),
    // The map lets errors in the log name the source files (see source-map.ts).
    sourcemap: "external",
    sourcesContent: false,
    // The files read, which decide whether a cached bundle is still good.
    metafile: true,
    absWorkingDir: path.dirname(configPath),
    logLevel: "warning",
  });
  await stop();
  const script = result.outputFiles.find((file) => file.path.endsWith(".js"));
  const map = result.outputFiles.find((file) => file.path.endsWith(".js.map"));
  if (script === undefined || map === undefined) throw new Error("esbuild produced no bundle");
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(config);
  const root = path.dirname(configPath);
  return {
    name: config.name ?? "worker",
    script: script.text,
    sourceMap: map.text,
    workerOptions: Object.fromEntries(Object.entries(workerOptions)),
    inputs: [
      ...Object.keys(result.metafile.inputs).map((input) => path.resolve(root, input)),
      ...configInputs(configPath),
    ],
  };
}

/**
 * Files that shape the options but are no module of the bundle: the config,
 * the local vars wrangler reads beside it (present or not), and the record of
 * what is installed, which changes with wrangler's and esbuild's versions.
 */
function configInputs(configPath: string): string[] {
  const root = path.dirname(configPath);
  return [
    configPath,
    path.join(root, ".dev.vars"),
    path.join(root, ".env"),
    fileURLToPath(new URL("../node_modules/.package-lock.json", import.meta.url)),
  ];
}

/** Where the bundle of a config is cached: with the other tools' caches in node_modules. */
function cachePath(configPath: string): string {
  const key = createHash("sha256").update(configPath).digest("hex").slice(0, 16);
  return fileURLToPath(
    new URL(`../node_modules/.cache/tributary/bundle-${key}.json`, import.meta.url),
  );
}

/** What each input was when the bundle was made: its size and modification time, or absent. */
async function fingerprint(inputs: readonly string[]): Promise<string[]> {
  return Promise.all(
    inputs.map(async (input) => {
      const info = await stat(input).catch(() => undefined);
      return info === undefined ? `${input} absent` : `${input} ${info.size} ${info.mtimeMs}`;
    }),
  );
}

async function readCachedBundle(configPath: string): Promise<WorkerBundle | undefined> {
  let stored: unknown;
  try {
    stored = JSON.parse(await readFile(cachePath(configPath), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof stored !== "object" || stored === null) return undefined;
  const bundle = decodeBundle(Reflect.get(stored, "bundle"));
  const recorded: unknown = Reflect.get(stored, "fingerprint");
  if (bundle instanceof Error || !Array.isArray(recorded)) return undefined;
  const now = await fingerprint(bundle.inputs);
  const same = now.length === recorded.length && now.every((line, i) => line === recorded[i]);
  return same ? bundle : undefined;
}

/** Caches a bundle, unless one of its files changed while it was being made. */
async function writeCachedBundle(
  configPath: string,
  bundle: WorkerBundle,
  started: number,
): Promise<void> {
  const times = await Promise.all(bundle.inputs.map((input) => stat(input).catch(() => undefined)));
  if (times.some((info) => info !== undefined && info.mtimeMs >= started)) return;
  const file = cachePath(configPath);
  await mkdir(path.dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, JSON.stringify({ fingerprint: await fingerprint(bundle.inputs), bundle }));
  await rename(draft, file);
}

const configArgument = process.argv[2];
if (import.meta.main && process.send !== undefined && configArgument !== undefined) {
  const reply = (message: WorkerBundle | { error: string }): void => {
    process.send?.(message);
  };
  build(configArgument).then(reply, (error: unknown) =>
    reply({ error: error instanceof Error ? error.message : String(error) }),
  );
  // Ends when the runtime, having its bundle, disconnects.
  process.on("disconnect", () => process.exit(0));
}
