// @ts-check
/**
 * Process plumbing for the benchmark and the soak: free ports, process groups read from
 * /proc (Linux), and group signals. Synchronous on purpose: the exit handler
 * of bench/run.mjs must be able to use it, and a scan of /proc every 500 ms
 * costs next to nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A port that was free a moment ago: listen on port 0, read it, close. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (address === null || typeof address === "string") {
    throw new Error(`unexpected server address ${String(address)}`);
  }
  return address.port;
}

/**
 * @typedef {object} ProcessInfo
 * @property {number} pid
 * @property {number} ppid
 * @property {number} pgid
 * @property {string} state One letter, as in ps: R, S, Z, ...
 * @property {string} command
 */

/**
 * Every process on this machine that is not a zombie, from /proc.
 *
 * @returns {ProcessInfo[]}
 */
export function listProcesses() {
  /** @type {ProcessInfo[]} */
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let stat;
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
 * The living processes of the given process groups.
 *
 * @param {Iterable<number>} pgids
 * @returns {ProcessInfo[]}
 */
export function livingInGroups(pgids) {
  const groups = new Set(pgids);
  return listProcesses().filter((p) => groups.has(p.pgid));
}

/**
 * Resident memory of a process in bytes (VmRSS), or 0 if it is gone.
 *
 * @param {number} pid
 */
export function rssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * The summed VmRSS of every living process of the groups, and how many there are.
 *
 * @param {Iterable<number>} pgids
 * @returns {{ bytes: number; processes: ProcessInfo[] }}
 */
export function groupRss(pgids) {
  const processes = livingInGroups(pgids);
  let bytes = 0;
  for (const p of processes) {
    bytes += rssBytes(p.pid);
  }
  return { bytes, processes };
}

/**
 * Signals a whole process group; false if nothing of it is left.
 *
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 */
export function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty.
  }
}
