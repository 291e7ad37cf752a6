/**
 * The service for Node end-to-end tests, started in this process by the one
 * host module that `npm start` uses too (local/service.ts), on 127.0.0.1
 * with a port the system picks and a fresh data directory.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PROJECT_ROOT, startService as startLocalService } from "../../../local/service.ts";

/** The project root: where wrangler.toml, bin/ and local/ live. */
export const projectRoot = PROJECT_ROOT;

/** The version package.json gives, which /health and --version report. */
export async function packageVersion(): Promise<string> {
  const manifest: unknown = JSON.parse(
    await readFile(path.join(PROJECT_ROOT, "package.json"), "utf8"),
  );
  const version =
    manifest !== null && typeof manifest === "object" ? Reflect.get(manifest, "version") : "";
  return typeof version === "string" ? version : "";
}

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
  /** The runtime process, whose group holds workerd. */
  runtimePid: number;
  /** Disposes the service and removes the data directory if this created it. */
  stop(): Promise<void>;
}

const DEFAULT_VARS: Record<string, string> = {
  CREATE_STREAM_MS: "0",
  DELETE_STREAM_MS: "0",
  KINESIS_LIMITS: "off",
};

export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "tributary-test-")));
  try {
    const service = await startLocalService({
      port: 0,
      host: "127.0.0.1",
      dataDir,
      vars: { ...DEFAULT_VARS, ...options.vars },
    });
    let stopped: Promise<void> | undefined;
    return {
      endpoint: service.url.origin,
      dataDir,
      runtimePid: service.runtimePid,
      stop() {
        stopped ??= (async () => {
          try {
            await service.dispose();
          } finally {
            if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
