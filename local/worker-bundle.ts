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
 */
import { fork } from "node:child_process";
import path from "node:path";

export interface WorkerBundle {
  /** The Worker's name in the wrangler config. */
  readonly name: string;
  /** The bundled module, served as `index.js`. */
  readonly script: string;
  /** Its source map (JSON), with paths relative to the project. */
  readonly sourceMap: string;
  /** Miniflare's worker options from the wrangler config, plain data. */
  readonly workerOptions: Record<string, unknown>;
}

/** Bundles the Worker that `configPath` names, in a process that ends when it is done. */
export function bundleWorker(configPath: string): Promise<WorkerBundle> {
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

/** Narrows the bundler's message: a bundle, or the error it reported. */
function decodeBundle(message: unknown): WorkerBundle | Error {
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
    message.workerOptions !== null
  ) {
    return {
      name: message.name,
      script: message.script,
      sourceMap: message.sourceMap,
      workerOptions: Object.fromEntries(Object.entries(message.workerOptions)),
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
    logLevel: "warning",
  });
  await stop();
  const script = result.outputFiles.find((file) => file.path.endsWith(".js"));
  const map = result.outputFiles.find((file) => file.path.endsWith(".js.map"));
  if (script === undefined || map === undefined) throw new Error("esbuild produced no bundle");
  const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(config);
  return {
    name: config.name ?? "worker",
    script: script.text,
    sourceMap: map.text,
    workerOptions: Object.fromEntries(Object.entries(workerOptions)),
  };
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
