/**
 * The local service, started one way for everyone: the command line
 * (`npm start`, `npx tributary`), the benchmark and the Node end-to-end
 * tests all call `startService`, so the tests exercise what users run.
 *
 *   const service = await startService({ port: 4567, host: "127.0.0.1", dataDir, vars: {} });
 *   service.url; // http://127.0.0.1:4567
 *   await service.dispose();
 *
 * What it puts together, in this process and one other:
 * - the lock on the data directory (data-lock.ts), held until dispose;
 * - the runtime process (runtime.ts): workerd through Miniflare, in a
 *   process group of its own, serving the Worker on a loopback socket;
 * - the front (front.ts) on the user's address: cleartext HTTP/2 beside
 *   HTTP/1.1, or HTTPS with both by ALPN, relayed to the Worker. With the
 *   front off and no TLS, the Worker's socket is the user's address.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCertificate, readCertificate } from "./certificate.ts";
import { type DataLock, lockDataDir } from "./data-lock.ts";
import { startFront } from "./front.ts";
import type { FromRuntime, RuntimeOptions } from "./runtime.ts";
import { bundleWorker, type WorkerBundle } from "./worker-bundle.ts";

/** The project: where wrangler.toml is. */
export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME = fileURLToPath(new URL("./runtime.ts", import.meta.url));

export interface TlsFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface ServiceOptions {
  /** 0 lets the system pick. */
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** The Worker's vars, over wrangler.toml's. */
  readonly vars: Readonly<Record<string, string>>;
  /** true: a self-signed certificate made once in <data dir>/tls; or the user's files. */
  readonly tls?: true | TlsFiles;
  /** Cleartext HTTP/2 beside HTTP/1.1 (default true). Ignored with TLS, which has both. */
  readonly http2?: boolean;
  readonly inspectorPort?: number;
  /** Default: the project's wrangler.toml. */
  readonly wranglerConfig?: string;
}

export interface RunningService {
  /** Where clients connect, e.g. http://127.0.0.1:4567 */
  readonly url: URL;
  readonly dataDir: string;
  /** The certificate served, with TLS: the file clients are told to trust. */
  readonly certPath?: string;
  /** The runtime process, whose group holds workerd. */
  readonly runtimePid: number;
  /** Stops the front and the runtime, then releases the data directory. Safe to call twice. */
  dispose(): Promise<void>;
}

/** A start that failed for a reason the user can act on: one line, and a code for it. */
export class StartError extends Error {
  override name = "StartError";
  readonly code: string | undefined;
  constructor(message: string, code?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/** How long the runtime may take to start, and to stop before it is killed. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 12_000;

export async function startService(options: ServiceOptions): Promise<RunningService> {
  // Nothing may need the network; wrangler and Miniflare read these.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  process.env.WRANGLER_SEND_METRICS ??= "false";
  process.env.WRANGLER_WRITE_LOGS ??= "false";
  process.env.WRANGLER_LOG ??= "warn";

  const dataDir = path.resolve(options.dataDir);
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw new StartError(
      `cannot create the data directory ${dataDir}: ${messageOf(error)}`,
      codeOf(error),
      error,
    );
  }
  let lock: DataLock;
  try {
    lock = await lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof Error && error.name === "DataDirLocked") {
      throw new StartError(error.message, "ELOCKED", error);
    }
    throw new StartError(
      `cannot write to the data directory ${dataDir}: ${messageOf(error)}`,
      codeOf(error),
      error,
    );
  }

  const cleanups: (() => Promise<void>)[] = [() => lock.release()];
  const undo = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    const tls =
      options.tls === undefined
        ? undefined
        : await certificateFor(options.tls, dataDir, options.host);
    const front = tls !== undefined || options.http2 !== false;
    const wranglerConfig = options.wranglerConfig ?? path.join(PROJECT_ROOT, "wrangler.toml");
    // Bundling (or reading the cached bundle) runs while the runtime boots.
    const bundling = bundleWorker(wranglerConfig).catch((error: unknown) => {
      throw new StartError(`the Worker failed to build: ${messageOf(error)}`, "EBUILD", error);
    });
    bundling.catch(() => {});
    const runtime = await startRuntime(bundling, {
      dataDir,
      vars: options.vars,
      wranglerConfig,
      socket: front ? { host: "127.0.0.1", port: 0 } : { host: options.host, port: options.port },
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    });
    cleanups.push(runtime.stop);
    await lock.setRuntimeGroup(runtime.pid);
    let url = runtime.url;
    if (front) {
      const started = await startFront({
        host: options.host,
        port: options.port,
        target: runtime.url,
        ...(tls === undefined ? {} : { tls: { cert: tls.cert, key: tls.key } }),
      }).catch((error: unknown) => {
        throw new StartError(listenMessage(error, options), codeOf(error), error);
      });
      cleanups.push(() => started.close());
      url = started.url;
    }
    let disposed: Promise<void> | undefined;
    return {
      url,
      dataDir,
      ...(tls === undefined ? {} : { certPath: tls.certPath }),
      runtimePid: runtime.pid,
      dispose() {
        disposed ??= undo();
        return disposed;
      },
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

/** Names a made certificate covers beside localhost, 127.0.0.1 and ::1. */
function namesFor(host: string): string[] {
  // Listening everywhere, clients may come by this machine's name.
  if (host === "0.0.0.0" || host === "::") {
    const name = hostname();
    return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(name) ? [name] : [];
  }
  return host === "127.0.0.1" || host === "localhost" || host === "::1" ? [] : [host];
}

async function certificateFor(
  tls: true | TlsFiles,
  dataDir: string,
  host: string,
): Promise<{ cert: string; key: string; certPath: string }> {
  try {
    return tls === true
      ? await ensureCertificate(dataDir, { hosts: namesFor(host) })
      : await readCertificate(tls.certPath, tls.keyPath);
  } catch (error) {
    throw new StartError(messageOf(error), "ETLS", error);
  }
}

interface Runtime {
  readonly pid: number;
  readonly url: URL;
  stop(): Promise<void>;
}

/**
 * Forks runtime.ts in a process group of its own, hands it the bundle once
 * it is made, and waits for it to serve.
 */
async function startRuntime(
  bundling: Promise<WorkerBundle>,
  options: Omit<RuntimeOptions, "bundle">,
): Promise<Runtime> {
  const child = fork(RUNTIME, [], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // The same Node: the pinned one runs the .ts directly.
    execPath: process.execPath,
    // No request passes through this process once workerd serves, so its
    // young generation need not be large: 1 MiB semi-spaces cut its resident
    // memory by about 20 MiB, measured idle.
    execArgv: ["--max-semi-space-size=1"],
  });
  const { pid } = child;
  if (pid === undefined) throw new StartError("cannot start the runtime process");
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = (): Promise<void> => stopRuntime(child, pid, exited);
  try {
    const ready = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StartError(`the Worker did not start in ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.once("message", (message: unknown) => {
        clearTimeout(timer);
        const answer = decodeAnswer(message);
        if (answer?.type === "ready") resolve(new URL(answer.url));
        else
          reject(
            new StartError(
              runtimeFailure(answer?.message ?? "the runtime answered nothing", options),
              answer?.code,
            ),
          );
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new StartError(`the runtime process exited (${String(code)}) before it served`));
      });
      sendWhenBuilt(child, bundling, options, (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    // The service need not wait for the runtime to end before it may exit.
    child.unref();
    child.channel?.unref();
    return { pid, url: ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Sends the runtime its start once the bundle is made. A function of its
 * own, so that no closure the running service keeps holds the bundle (half
 * a megabyte) after it is sent.
 */
function sendWhenBuilt(
  child: ChildProcess,
  bundling: Promise<WorkerBundle>,
  options: Omit<RuntimeOptions, "bundle">,
  failed: (error: unknown) => void,
): void {
  bundling.then((bundle) => child.send({ type: "start", options: { ...options, bundle } }), failed);
}

/** SIGTERM, a bounded wait, then SIGKILL to whatever of its group is left. */
async function stopRuntime(
  child: ChildProcess,
  pid: number,
  exited: Promise<number | null>,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), STOP_TIMEOUT_MS);
  });
  await Promise.race([exited, late]);
  clearTimeout(timer);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already empty.
  }
  if (child.connected) child.disconnect();
}

function decodeAnswer(message: unknown): FromRuntime | undefined {
  if (typeof message !== "object" || message === null || !("type" in message)) return undefined;
  if (message.type === "ready" && "url" in message && typeof message.url === "string") {
    return { type: "ready", url: message.url };
  }
  if (message.type === "failed" && "message" in message && typeof message.message === "string") {
    const code = "code" in message && typeof message.code === "string" ? message.code : undefined;
    return code === undefined
      ? { type: "failed", message: message.message }
      : { type: "failed", message: message.message, code };
  }
  return undefined;
}

function runtimeFailure(message: string, options: Omit<RuntimeOptions, "bundle">): string {
  if (/EADDRINUSE|address already in use/i.test(message)) {
    return `port ${options.socket.port} on ${options.socket.host} is already in use (PORT or --port sets another)`;
  }
  return `the Worker failed to start: ${message}`;
}

function listenMessage(error: unknown, options: ServiceOptions): string {
  const code = codeOf(error);
  if (code === "EADDRINUSE") {
    return `port ${options.port} on ${options.host} is already in use (PORT or --port sets another)`;
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return `cannot listen on ${options.host}: no such address on this machine (HOST or --host sets it)`;
  }
  if (code === "EACCES") {
    return `not allowed to listen on port ${options.port} (ports below 1024 need privileges)`;
  }
  return `cannot listen on ${options.host}:${options.port}: ${messageOf(error)}`;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
