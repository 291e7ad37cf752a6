/**
 * Processes and process groups, read from /proc (Linux): what a service's
 * groups hold, how much memory each process has, and signals to whole groups.
 *
 * Synchronous on purpose: an `exit` handler, which cannot wait, must be able
 * to find and kill what is left, and a scan of /proc every 500 ms costs next
 * to nothing.
 *
 * @example
 * const groups = groupsOfTree(child.pid);          // its group and its children's
 * const bytes = memoryOfGroups(groups).reduce((sum, p) => sum + p.rssBytes, 0);
 * signalGroups(groups, "SIGKILL");
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** One process, as /proc/<pid>/stat tells it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One letter, as in ps: R, S, D, ... (zombies, Z, are left out). */
  state: string;
  /** The kernel's name of the process (comm): "workerd", or "MainThread" for Node. */
  command: string;
}

/** A process with its command line and its resident memory. */
export interface ProcessMemory extends ProcessInfo {
  /** Its argv, from /proc/<pid>/cmdline; empty if it is gone. */
  argv: string[];
  /** "node tributary.ts", "workerd": see processLabel. */
  label: string;
  /** VmRSS in bytes; 0 if it is gone. */
  rssBytes: number;
}

/**
 * Every process on this machine that is not a zombie, from /proc.
 *
 * @example
 * const mine = listProcesses().filter((p) => p.ppid === process.pid);
 */
export function listProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // Gone since readdir.
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const [state, ppid, pgid] = stat.slice(close + 2).split(" ");
    if (state === undefined || ppid === undefined || pgid === undefined || state === "Z") {
      continue;
    }
    found.push({
      pid: Number(entry),
      ppid: Number(ppid),
      pgid: Number(pgid),
      state,
      command: stat.slice(open + 1, close),
    });
  }
  return found;
}

/**
 * `pid` and every living descendant of it.
 *
 * @example
 * processTree(child.pid).map((p) => p.pid);
 */
export function processTree(pid: number, processes = listProcesses()): ProcessInfo[] {
  const tree = processes.filter((p) => p.pid === pid);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i];
    if (parent !== undefined) {
      tree.push(...processes.filter((p) => p.ppid === parent.pid));
    }
  }
  return tree;
}

/**
 * The process groups of `pid` and its descendants. A service that runs its
 * runtime in a group of its own (so that a terminal's Ctrl-C reaches only the
 * supervisor) spans two groups; this finds both without knowing its layout.
 *
 * @example
 * const groups = groupsOfTree(child.pid); // Set { 4100, 4107 }
 */
export function groupsOfTree(pid: number, processes = listProcesses()): Set<number> {
  return new Set(processTree(pid, processes).map((p) => p.pgid));
}

/**
 * The living processes of the given process groups.
 *
 * @example
 * if (livingInGroups([pgid]).length === 0) console.log("all gone");
 */
export function livingInGroups(
  pgids: Iterable<number>,
  processes = listProcesses(),
): ProcessInfo[] {
  const groups = new Set(pgids);
  return processes.filter((p) => groups.has(p.pgid));
}

/**
 * Resident memory of a process in bytes (VmRSS), or 0 if it is gone.
 *
 * @example
 * rssBytes(process.pid) / 1024 / 1024; // MiB
 */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * A process's argv, from /proc/<pid>/cmdline; empty if it is gone.
 *
 * @example
 * commandLine(process.pid); // ["/usr/bin/node", "bench/run.ts", "--seconds", "4"]
 */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** A script a runtime runs, as its first argument that is not a flag. */
const SCRIPT = /\.[cm]?[jt]s$/;

/**
 * A short, generic name for a process: its program's basename, and that of
 * the script it runs, if any. Nothing here knows the service's own file names,
 * so a new layout of processes is labelled without a change here.
 *
 * @example
 * processLabel(["/x/node_modules/node/bin/node", "/x/bin/tributary.ts"], "MainThread"); // "node tributary.ts"
 * processLabel(["/x/bin/workerd", "serve", "--binary"], "workerd");                    // "workerd"
 */
export function processLabel(argv: readonly string[], command: string): string {
  const program = argv[0];
  if (program === undefined) {
    return command;
  }
  const name = path.basename(program);
  const script = argv.slice(1).find((arg) => !arg.startsWith("-") && SCRIPT.test(arg));
  return script === undefined ? name : `${name} ${path.basename(script)}`;
}

/**
 * Every living process of the groups with its label and VmRSS: one sample of
 * memory, per process.
 *
 * @example
 * const total = memoryOfGroups(groups).reduce((sum, p) => sum + p.rssBytes, 0);
 */
export function memoryOfGroups(
  pgids: Iterable<number>,
  processes = listProcesses(),
): ProcessMemory[] {
  return livingInGroups(pgids, processes).map((p) => {
    const argv = commandLine(p.pid);
    return { ...p, argv, label: processLabel(argv, p.command), rssBytes: rssBytes(p.pid) };
  });
}

/**
 * A process's proportional share of resident memory in bytes (Pss, from
 * /proc/<pid>/smaps_rollup), or 0 if it is gone or that can't be read.
 * Unlike VmRSS, pages shared between processes (the Node binary's code, in
 * each Node process of the service) are split between them, so the shares of
 * a service's processes add up to what it costs the machine.
 *
 * @example
 * pssBytes(process.pid) / 1024 / 1024; // MiB
 */
export function pssBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Signals a whole process group; false if nothing of it is left.
 *
 * @example
 * signalGroup(child.pid, "SIGTERM"); // a detached child leads its own group
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty.
  }
}

/**
 * Signals each of the groups, back to back, before any of them can react.
 *
 * @example
 * signalGroups(groups, "SIGKILL");
 */
export function signalGroups(pgids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pgid of pgids) {
    signalGroup(pgid, signal);
  }
}

/**
 * Waits, at most `timeoutMs`, for every process of the groups to be gone (a
 * killed process takes a moment), and returns those still living then.
 *
 * @example
 * signalGroups(groups, "SIGKILL");
 * const left = await survivors(groups, 5_000); // [] once the kernel has reaped them
 */
export async function survivors(
  pgids: Iterable<number>,
  timeoutMs: number,
  pollMs = 50,
): Promise<ProcessInfo[]> {
  const groups = [...pgids];
  const deadline = performance.now() + timeoutMs;
  let living = livingInGroups(groups);
  while (living.length > 0 && performance.now() < deadline) {
    await sleep(pollMs);
    living = livingInGroups(groups);
  }
  return living;
}
