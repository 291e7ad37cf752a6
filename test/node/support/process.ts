import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
// The /proc and process-group plumbing is the bench's and the service's own.
import { freePort } from "../../../bench/support/free-port.ts";
import {
  listProcesses,
  livingInGroups,
  type ProcessInfo,
  processTree,
  signalGroup,
  signalGroups,
  survivors as survivorsWithin,
} from "../../../local/processes.ts";
import { projectRoot } from "./service.js";

export { freePort, listProcesses, livingInGroups, type ProcessInfo, processTree, signalGroups };

export interface StartOptions {
  /** KINESIS_DATA_DIR for the server. */
  dataDir: string;
  /** PORT for the server; a free port is picked if absent. */
  port?: number;
  /** More environment, e.g. ACCOUNT_ID or CREATE_STREAM_MS. */
  env?: Record<string, string>;
  /** Flags for the command, e.g. ["--log", "requests"]. */
  args?: string[];
}

export interface StartedProcess {
  /** The URL the server printed, e.g. http://127.0.0.1:4567 */
  endpoint: string;
  /** The pid of `node bin/tributary.ts`, also its process group id. */
  pid: number;
  /** Signals the whole process group and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The exit code, or null if a signal ended the process. */
  exited: Promise<number | null>;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
}

/** The command npm start and npx tributary run. */
export const START_SCRIPT = path.join(projectRoot, "bin", "tributary.ts");
const READY_TIMEOUT_MS = 60_000;
const READY_LINE = /serving the Kinesis API at (https?:\/\/\S+)/;

/**
 * Runs `bin/tributary.ts` (what `npm start` runs) with this Node, in a process
 * group of its own, and resolves once it prints the endpoint it serves.
 */
export async function spawnStart(options: StartOptions): Promise<StartedProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [START_SCRIPT, ...(options.args ?? [])], {
    cwd: projectRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      ...options.env,
      PORT: String(port),
      KINESIS_DATA_DIR: options.dataDir,
    },
  });
  const { pid } = child;
  if (pid === undefined) {
    throw new Error(`cannot spawn ${START_SCRIPT}`);
  }

  let output = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    output += chunk;
  });

  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
  });

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    signalGroup(pid, signal);
    await exited;
  };

  const endpoint = await new Promise<string>((resolve, reject) => {
    let pending = "";
    const timer = setTimeout(() => {
      signalGroup(pid, "SIGKILL");
      reject(
        new Error(`bin/tributary.ts did not report ready in ${READY_TIMEOUT_MS} ms:\n${output}`),
      );
    }, READY_TIMEOUT_MS);
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      pending += chunk;
      // Only whole lines: a chunk may end in the middle of the URL.
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
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`bin/tributary.ts exited with ${String(code)} before it was ready:\n${output}`),
      );
    });
  });

  return { endpoint, pid, kill, exited, output: () => output };
}

/**
 * The process groups of a service that spawnStart started: the supervisor's
 * (bin/tributary.ts, with the front) and the runtime's, which holds Miniflare and workerd.
 */
export async function serviceGroups(started: StartedProcess): Promise<Set<number>> {
  return new Set((await processTree(started.pid)).map((p) => p.pgid));
}

/**
 * Waits, at most `timeoutMs`, for every process of the groups to be gone (a
 * killed process takes a moment), and returns those still running then.
 */
export function survivors(pgids: Iterable<number>, timeoutMs = 5_000): Promise<ProcessInfo[]> {
  return survivorsWithin(pgids, timeoutMs, 25);
}

/**
 * Stops a started service however it can, for test clean-up: SIGTERM to the
 * supervisor, then SIGKILL to whatever of both groups is left.
 */
export async function stopService(started: StartedProcess): Promise<void> {
  const groups = await serviceGroups(started);
  groups.add(started.pid);
  await started.kill("SIGTERM");
  if ((await survivors(groups)).length > 0) {
    signalGroups(groups, "SIGKILL");
  }
}

/** npm start on a data directory of its own, which `stop` removes. */
export interface StartedOnFreshDirectory extends StartedProcess {
  readonly dataDir: string;
  /** Stops every process group of the service, then removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Runs npm start on a fresh temporary data directory, for the tests of one
 * file: call it in `beforeAll` and `stop()` in `afterAll`.
 *
 * @example
 * beforeAll(async () => { service = await startOnFreshDirectory("limits", { CREATE_STREAM_MS: "0" }); });
 * afterAll(() => service?.stop());
 */
export async function startOnFreshDirectory(
  name: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<StartedOnFreshDirectory> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `tributary-${name}-`));
  let started: StartedProcess;
  try {
    started = await spawnStart({ dataDir, env, args });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...started,
    dataDir,
    async stop() {
      await stopService(started);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
