/**
 * The service as `npm start` runs it, for the bench and the soak: the one
 * place that names its command, the environment it reads and the line it
 * prints once it serves.
 *
 * The command leads a process group of its own and runs its runtime (and
 * with it workerd) in a second one, so that a terminal's Ctrl-C reaches only
 * the supervisor; ServerProcess finds both groups. It is stopped like Ctrl-C
 * on `npm start`: SIGTERM to the supervisor alone, which disposes the Worker
 * and its runtime's group, and then SIGKILL for anything left.
 *
 * @example
 * const service = spawnService({ port: await freePort(), dataDir });
 * const endpoint = await serviceReady(service, "Tributary");
 * // ...
 * const stopped = await stopService(service);
 */
import path from "node:path";
import { projectRoot } from "./paths.ts";
import { ServerProcess, type Stopped } from "./server-process.ts";

/** The service's command: what `npm start` runs. */
export const SERVICE_COMMAND = path.join(projectRoot, "bin", "tributary.ts");

/** The line it prints once it serves, with the endpoint. */
export const READY_LINE = /serving the Kinesis API at (http:\/\/\S+)/;

/** How long a supervisor may take to dispose its Worker before SIGKILL. */
export const SERVICE_STOP_GRACE_MS = 20_000;

export interface ServiceOptions {
  /** PORT. */
  port: number;
  /** KINESIS_DATA_DIR. */
  dataDir: string;
  /**
   * More environment on top of this process's: TRIBUTARY_WRANGLER_CONFIG,
   * TRIBUTARY_HTTP2, and the Worker's vars such as KINESIS_LIMITS.
   * `undefined` removes a variable this process has.
   */
  env?: Record<string, string | undefined>;
}

/**
 * Spawns the service. It is tracked from here on, so a caller that gives up
 * waiting for it can still stop it.
 */
export function spawnService(options: ServiceOptions): ServerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    PORT: String(options.port),
    KINESIS_DATA_DIR: options.dataDir,
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return ServerProcess.spawn([SERVICE_COMMAND], { env });
}

/**
 * The endpoint the service prints once it serves; rejects if it exits first
 * or is not ready in `timeoutMs`. Then adds its runtime's process group.
 */
export async function serviceReady(
  service: ServerProcess,
  name: string,
  timeoutMs = 120_000,
): Promise<string> {
  const [, endpoint = ""] = await service.waitForLine(READY_LINE, timeoutMs, name);
  service.discoverGroups();
  return endpoint;
}

/** Stops the service like Ctrl-C on `npm start`, bounded. */
export function stopService(service: ServerProcess): Promise<Stopped> {
  return service.stop({ signal: "leader", graceMs: SERVICE_STOP_GRACE_MS });
}
