import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_DevEnv, type unstable_startWorker } from "wrangler";

/** The project root: where wrangler.toml and scripts/ live. */
export const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface ServiceOptions {
  /**
   * Worker vars; CREATE_STREAM_MS and DELETE_STREAM_MS default to "0", and
   * KINESIS_LIMITS to "off": these tests read back as fast as they can, with
   * one attempt per call. test/node/limits.test.ts runs with limits on.
   */
  vars?: Record<string, string>;
  /** Where to persist; a fresh temporary directory (removed by stop) if absent. */
  dataDir?: string;
}

export interface Service {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  dataDir: string;
  /** Disposes the Worker and removes the data directory if this created it. */
  stop(): Promise<void>;
}

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

const DEFAULT_VARS: Record<string, string> = {
  CREATE_STREAM_MS: "0",
  DELETE_STREAM_MS: "0",
  KINESIS_LIMITS: "off",
};

/** After a failed start wrangler may never finish disposing; wait this long. */
const FAILED_DISPOSE_MS = 5_000;

/**
 * Runs the Worker in this process on the Workers runtime (wrangler's
 * programmatic dev server, workerd underneath) on 127.0.0.1 with a port the OS
 * picks.
 *
 * `unstable_startWorker(options)` is `new DevEnv().startWorker(options)`; we
 * make the DevEnv ourselves so we can listen to it first: wrangler reports a
 * failed build or a runtime that cannot start as events on it rather than by
 * rejecting `ready`, which would otherwise hang until the hook times out.
 */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  // Nothing may need the network; keep wrangler quiet but for warnings and errors.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  process.env.WRANGLER_LOG ??= "warn";
  process.env.WRANGLER_SEND_METRICS ??= "false";
  process.env.WRANGLER_WRITE_LOGS ??= "false";

  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "tributary-test-")));
  const vars = { ...DEFAULT_VARS, ...options.vars };
  const bindings = Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [name, { type: "plain_text" as const, value }]),
  );

  const devEnv = new unstable_DevEnv();
  let ready = false;
  const failed = new Promise<never>((_resolve, reject) => {
    devEnv.on("error", (event: unknown) => {
      if (ready) {
        console.error(`tributary test service: ${describeEvent(event)}`);
      } else {
        reject(new Error(`the Worker failed to start: ${describeEvent(event)}`));
      }
    });
    devEnv.on("buildFailed", () => {
      if (!ready) {
        reject(new Error("the Worker failed to build (wrangler logged why above)"));
      }
    });
  });
  failed.catch(() => {});

  let worker: Worker | undefined;
  try {
    worker = await Promise.race([
      devEnv.startWorker({
        config: path.join(projectRoot, "wrangler.toml"),
        bindings,
        dev: {
          server: { hostname: "127.0.0.1", port: 0 },
          persist: dataDir,
          inspector: false,
          watch: false,
          liveReload: false,
        },
      }),
      failed,
    ]);
    await Promise.race([worker.ready, failed]);
    const url = await Promise.race([worker.url, failed]);
    ready = true;
    const running = worker;
    let stopped: Promise<void> | undefined;
    return {
      endpoint: url.origin,
      dataDir,
      stop() {
        stopped ??= (async () => {
          try {
            await running.dispose();
          } finally {
            if (ownsDataDir) {
              await rm(dataDir, { recursive: true, force: true });
            }
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    if (worker !== undefined) {
      await bounded(worker.dispose(), FAILED_DISPOSE_MS);
    }
    if (ownsDataDir) {
      await rm(dataDir, { recursive: true, force: true });
    }
    throw error;
  }
}

/** Waits for `promise` to settle, or `ms`, ignoring its outcome. */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(noop, noop), timeout]);
  clearTimeout(timer);
}

function noop(): void {}

function describeEvent(event: unknown): string {
  if (event instanceof Error) {
    return event.message;
  }
  if (typeof event === "object" && event !== null) {
    const source = "source" in event && typeof event.source === "string" ? `${event.source}: ` : "";
    const reason = "reason" in event && typeof event.reason === "string" ? event.reason : "error";
    const cause =
      "cause" in event && event.cause instanceof Error ? ` (${event.cause.message})` : "";
    return `${source}${reason}${cause}`;
  }
  return String(event);
}
