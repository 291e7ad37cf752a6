/**
 * The runtime process: runs the Worker on workerd through Miniflare, with
 * stream data under `<data dir>/v3`, where `wrangler dev --persist-to <data
 * dir>` keeps it too. service.ts starts it with an IPC channel, in a process
 * group of its own, and talks to it in the messages below.
 *
 * Why a process of its own, in a group of its own: a terminal's Ctrl-C
 * signals the whole foreground group at once. If workerd were in it, it
 * would die at the same moment as the process meant to stop it cleanly.
 * Here only the service hears the signal, and stops this process, which
 * disposes Miniflare and so workerd. If the service dies without a word, the
 * IPC channel closes and this process stops by itself.
 *
 * Why Miniflare and not `wrangler dev`: `wrangler dev` runs a second workerd
 * as a live-reload proxy in front of the Worker, so every request would
 * cross HTTP twice. And the Worker is served on a direct socket, not through
 * Miniflare's entry Worker, which passes every request through a router of
 * its own (logging, error pages, the `cf` object) and under load took as
 * much CPU as the Worker itself.
 */
import path from "node:path";
import { sourceMapper } from "./source-map.ts";
import { decodeBundle, type WorkerBundle } from "./worker-bundle.ts";

/** What the service asks of this process. */
export interface RuntimeOptions {
  /** The Worker, bundled by the service meanwhile (worker-bundle.ts). */
  readonly bundle: WorkerBundle;
  readonly dataDir: string;
  /** The Worker's vars, over the wrangler config's. */
  readonly vars: Readonly<Record<string, string>>;
  readonly wranglerConfig: string;
  /** Where the Worker's own socket listens. */
  readonly socket: { readonly host: string; readonly port: number };
  readonly inspectorPort?: number;
}

/** From service to runtime. */
export type ToRuntime = { readonly type: "start"; readonly options: RuntimeOptions };

/** From runtime to service. */
export type FromRuntime =
  | { readonly type: "ready"; readonly url: string }
  | { readonly type: "failed"; readonly message: string; readonly code?: string };

/**
 * Miniflare, loading from the moment this process starts: it takes a third
 * of a second, which overlaps the service bundling the Worker.
 */
let loading: Promise<typeof import("miniflare")> | undefined;
function miniflareModule(): Promise<typeof import("miniflare")> {
  loading ??= import("miniflare");
  return loading;
}

/** How long disposing may take before the process gives up and exits anyway. */
const STOP_TIMEOUT_MS = 10_000;

interface Disposable {
  dispose(): Promise<void>;
}

/** Starts the Worker and answers with its URL. */
async function start(options: RuntimeOptions): Promise<{ miniflare: Disposable; url: URL }> {
  const { bundle } = options;
  const { Miniflare, convertV4MiniflareOptions } = await miniflareModule();
  const root = path.dirname(options.wranglerConfig);
  const mapToSource = sourceMapper(bundle.sourceMap, root);
  const bindings = bundle.workerOptions.bindings;
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      // Miniflare's own entry socket, for its internals; clients use the direct one.
      port: 0,
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
      resourcePersistencePath: path.join(options.dataDir, "v3"),
      handleStructuredLogs({ level, message }) {
        if (level === "error" || level === "warn")
          process.stderr.write(`${mapToSource(message)}\n`);
        else process.stdout.write(`${message}\n`);
      },
      workers: [
        {
          ...bundle.workerOptions,
          name: bundle.name,
          bindings: {
            ...(typeof bindings === "object" && bindings !== null ? bindings : {}),
            ...options.vars,
          },
          modules: [{ type: "ESModule", path: "index.js", contents: bundle.script }],
          unsafeDirectSockets: [{ host: options.socket.host, port: options.socket.port }],
        },
      ],
    }),
  );
  try {
    await miniflare.ready;
    return { miniflare, url: await miniflare.unsafeGetDirectURL(bundle.name) };
  } catch (error) {
    await miniflare.dispose().catch(() => {});
    throw error;
  }
}

function codeOf(error: unknown): string | undefined {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : "";
  if (/EADDRINUSE|address already in use/i.test(text)) return "EADDRINUSE";
  if (error instanceof Error && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

function send(message: FromRuntime): void {
  process.send?.(message);
}

/** Narrows the service's message. */
function decodeStart(message: unknown): RuntimeOptions | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  if (!("type" in message) || message.type !== "start" || !("options" in message)) return undefined;
  const options = message.options;
  if (typeof options !== "object" || options === null) return undefined;
  const text = (key: string): string | undefined => {
    const value: unknown = Reflect.get(options, key);
    return typeof value === "string" ? value : undefined;
  };
  const socket: unknown = Reflect.get(options, "socket");
  const vars: unknown = Reflect.get(options, "vars");
  const inspector: unknown = Reflect.get(options, "inspectorPort");
  const dataDir = text("dataDir");
  const wranglerConfig = text("wranglerConfig");
  const bundle = decodeBundle(Reflect.get(options, "bundle"));
  if (dataDir === undefined || wranglerConfig === undefined || bundle instanceof Error) {
    return undefined;
  }
  if (typeof socket !== "object" || socket === null) return undefined;
  const host: unknown = Reflect.get(socket, "host");
  const port: unknown = Reflect.get(socket, "port");
  if (typeof host !== "string" || typeof port !== "number") return undefined;
  const varsOut: Record<string, string> = {};
  if (typeof vars === "object" && vars !== null) {
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value === "string") varsOut[name] = value;
    }
  }
  return {
    bundle,
    dataDir,
    wranglerConfig,
    vars: varsOut,
    socket: { host, port },
    ...(typeof inspector === "number" ? { inspectorPort: inspector } : {}),
  };
}

/** The process's life: wait for "start", serve, stop on SIGTERM or when the service goes. */
function main(): void {
  void miniflareModule().catch(() => {});
  // The Worker once it runs; a stop that comes while it starts waits for it,
  // so that what started is disposed rather than left to the exit hook.
  let started: Promise<Disposable | undefined> = Promise.resolve(undefined);
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), STOP_TIMEOUT_MS);
    timer.unref();
    void started
      .then((running) => running?.dispose())
      .then(
        () => process.exit(code),
        () => process.exit(1),
      );
  };
  // Miniflare adds listeners of its own that SIGKILL workerd and exit
  // 130/143; ours are the only ones that decide.
  const onSignal = (): void => stop(0);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, onSignal);
  const keepOnlyOurs = (): void => {
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
      for (const listener of process.listeners(signal)) {
        if (listener !== onSignal) process.removeListener(signal, listener);
      }
    }
  };
  process.on("disconnect", () => stop(0));
  process.once("message", (message: unknown) => {
    const options = decodeStart(message);
    if (options === undefined) {
      send({ type: "failed", message: "the runtime was not told how to start" });
      stop(1);
      return;
    }
    const starting = start(options);
    started = starting.then(
      ({ miniflare }) => miniflare,
      () => undefined,
    );
    starting.then(
      ({ url }) => {
        keepOnlyOurs();
        if (!stopping) send({ type: "ready", url: url.href });
      },
      (error: unknown) => {
        const code = codeOf(error);
        const message = error instanceof Error ? error.message : String(error);
        send(code === undefined ? { type: "failed", message } : { type: "failed", message, code });
        stop(1);
      },
    );
  });
}

if (process.send !== undefined && import.meta.main) main();
