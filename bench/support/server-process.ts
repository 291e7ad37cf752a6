/**
 * A server the bench or the soak runs: a Node script spawned detached, so
 * that it leads a process group of its own, with its output kept, its exit
 * awaited, the groups of its descendants remembered, and a stop that is
 * bounded and leaves nothing behind.
 *
 * @example
 * const server = ServerProcess.spawn(["node_modules/kinesalite/cli.js", "--port", "4568"]);
 * const endpoint = (await server.waitForLine(/listening on (\S+)/, 30_000, "kinesalite"))[1];
 * const stopped = await server.stop({ signal: "group", graceMs: 5_000 });
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  groupsOfTree,
  listProcesses,
  livingInGroups,
  type ProcessInfo,
  signalGroup,
  signalGroups,
  survivors,
} from "../../local/processes.ts";
import { projectRoot } from "./paths.ts";

/** How a process ended, as its `exit` event tells it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a stop found; the bench writes it into its results file as it is. */
export interface Stopped {
  exit: Exit | "did not exit in time";
  /** From the first signal to the exit (or the end of the grace). */
  seconds: number;
  /** "pid command" of what was still living once the server had exited (or the grace ended). */
  leftAfterExit: string[];
  /** "pid command" of what was still living 5 s after SIGKILL to every group. */
  survivorsAfterKill: string[];
}

export interface StopOptions {
  /**
   * Whom the SIGTERM goes to: the leader alone (a supervisor that stops its
   * runtime itself and must not see it die underneath it), or its whole group.
   */
  signal: "leader" | "group";
  /** How long to wait for the exit before SIGKILL to every group. */
  graceMs: number;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** How much of its output to keep, per kind (default 64 KiB). */
  outputCap?: number;
}

/** After the exit, how long its groups may take to empty before what is left counts as left. */
const SETTLE_MS = 2_000;
/** After SIGKILL, how long to wait for the kernel to reap the groups. */
const KILL_WAIT_MS = 5_000;

const describe = (p: ProcessInfo) => `${p.pid} ${p.command}`;

export class ServerProcess {
  readonly child: ChildProcess;
  /** The process spawned, and its process group id. */
  readonly pid: number;
  /** Its group and those of its descendants, remembered once seen. */
  readonly groups: Set<number>;
  readonly exited: Promise<Exit>;
  /** Set once it has exited. */
  exit: Exit | undefined;
  /** What it wrote to stdout and stderr, interleaved (capped). */
  output = "";
  /** What it wrote to stderr (capped). */
  stderr = "";
  #stopping: Promise<Stopped> | undefined;
  readonly #lineListeners: ((line: string, from: "stdout" | "stderr") => void)[] = [];

  /**
   * Runs `args` (a script and its arguments) with this Node, detached, from
   * the project's root, its stdout and stderr piped.
   */
  static spawn(args: readonly string[], options: SpawnOptions = {}): ServerProcess {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env ?? process.env,
    });
    return new ServerProcess(child, options.outputCap ?? 64 * 1024);
  }

  constructor(child: ChildProcess, outputCap: number) {
    if (child.pid === undefined) {
      throw new Error(`cannot spawn ${child.spawnargs.join(" ")}`);
    }
    this.child = child;
    this.pid = child.pid;
    this.groups = new Set([child.pid]);
    this.exit = undefined;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    for (const from of ["stdout", "stderr"] as const) {
      const stream = child[from];
      if (stream === null) {
        continue;
      }
      stream.setEncoding("utf8");
      let pending = "";
      stream.on("data", (chunk: string) => {
        if (this.output.length < outputCap) this.output += chunk;
        if (from === "stderr" && this.stderr.length < outputCap) this.stderr += chunk;
        // Whole lines only: a chunk may end in the middle of one.
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          for (const listener of this.#lineListeners) listener(line, from);
        }
      });
    }
  }

  /** Calls `listener` with every whole line it writes, from now on. */
  onLine(listener: (line: string, from: "stdout" | "stderr") => void): void {
    this.#lineListeners.push(listener);
  }

  /**
   * Resolves with the first line of stdout that `pattern` matches; rejects if
   * it exits first or none comes within `timeoutMs`.
   */
  waitForLine(pattern: RegExp, timeoutMs: number, name: string): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(new Error(`${name} did not report ready in ${timeoutMs / 1000} s:\n${this.output}`));
      }, timeoutMs);
      this.onLine((line, from) => {
        const match = from === "stdout" && !done ? pattern.exec(line) : null;
        if (match !== null) {
          done = true;
          clearTimeout(timer);
          resolve(match);
        }
      });
      void this.exited.then(({ code, signal }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(
          new Error(`${name} exited (${code ?? signal}) before it was ready:\n${this.output}`),
        );
      });
    });
  }

  /**
   * Adds the groups of its descendants (a supervisor runs its runtime in a
   * group of its own). Only while it lives: once it has exited, its pid may
   * be another process's.
   */
  discoverGroups(processes: ProcessInfo[] = listProcesses()): void {
    if (this.exit !== undefined) {
      return;
    }
    for (const pgid of groupsOfTree(this.pid, processes)) {
      this.groups.add(pgid);
    }
  }

  /**
   * SIGTERM, then after `graceMs` at most, SIGKILL to every group for
   * whatever is left, and a wait until they are empty. Safe to call more than
   * once: every call gets the first one's outcome.
   */
  stop(options: StopOptions): Promise<Stopped> {
    this.#stopping ??= this.#stop(options);
    return this.#stopping;
  }

  /** Whether stop() has been called. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  async #stop({ signal, graceMs }: StopOptions): Promise<Stopped> {
    this.discoverGroups();
    const t0 = performance.now();
    if (this.exit === undefined) {
      if (signal === "leader") {
        try {
          process.kill(this.pid, "SIGTERM");
        } catch {
          // Gone already.
        }
      } else {
        signalGroup(this.pid, "SIGTERM");
      }
    }
    let grace: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      this.exited,
      new Promise<undefined>((resolve) => {
        grace = setTimeout(() => resolve(undefined), graceMs);
      }),
    ]);
    clearTimeout(grace);
    const seconds = (performance.now() - t0) / 1000;
    // A supervisor kills its runtime's group as it exits; give the kernel a
    // moment to reap that before calling anything a leftover.
    const left =
      exit === undefined ? livingInGroups(this.groups) : await survivors(this.groups, SETTLE_MS);
    signalGroups(this.groups, "SIGKILL");
    const survived = await survivors(this.groups, KILL_WAIT_MS);
    return {
      exit: exit ?? "did not exit in time",
      seconds: Math.round(seconds * 100) / 100,
      leftAfterExit: left.map(describe),
      survivorsAfterKill: survived.map(describe),
    };
  }

  /**
   * SIGKILL to every group that still has a process, at once: the last
   * resort of an `exit` handler, which cannot wait.
   */
  killNow(): void {
    this.discoverGroups();
    const living = new Set(livingInGroups(this.groups).map((p) => p.pgid));
    signalGroups(living, "SIGKILL");
  }
}
