/**
 * One service per data directory. Two workerd processes writing the same
 * SQLite files corrupt each other's streams without a word (a second
 * instance started with only another PORT did exactly that), so a service
 * holds `<data dir>/tributary.lock` while it runs, and a second one refuses
 * to start, naming the directory and the holder's pid.
 *
 * The lock is a file made with link(2), which fails if the name exists, so
 * two services starting at once cannot both get it. It names the holder's
 * pid, the process's start time (so a pid the system has since given to
 * another process does not count as the holder) and the runtime's process
 * group (whose workerd may outlive a holder killed with SIGKILL by a moment).
 * A lock whose holder is gone, after a crash or a kill, is taken over: under
 * a takeover guard made with mkdir(2), so that of two services finding the
 * same stale lock only one replaces it, and the other then finds the new
 * holder alive.
 */
import { readdirSync, readFileSync } from "node:fs";
import {
  link,
  mkdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { setTimeout } from "node:timers/promises";

/** The lock file's name inside the data directory. */
export const LOCK_FILE = "tributary.lock";

/** How old a takeover guard must be before it counts as left by a crash. */
const GUARD_STALE_MS = 10_000;
/** Tries at the lock while others take a stale one over; 100 × 50 ms outlasts a takeover. */
const MAX_ATTEMPTS = 100;
const BUSY_PAUSE_MS = 50;

export interface LockHolder {
  readonly pid: number;
  /** The holder's start time as /proc gives it (clock ticks since boot); "" where there is no /proc. */
  readonly started: string;
  /** The runtime's process group, once it runs. */
  readonly runtimeGroup?: number;
}

/** A data directory another living service holds: one line for the user. */
export class DataDirLocked extends Error {
  override name = "DataDirLocked";
  readonly holder: LockHolder;
  constructor(dataDir: string, holder: LockHolder) {
    super(
      `the data directory ${dataDir} is in use by another Tributary (pid ${holder.pid}); ` +
        "stop that one, or give this one another directory with --data-dir or KINESIS_DATA_DIR",
    );
    this.holder = holder;
  }
}

export interface DataLock {
  readonly path: string;
  /** Records the runtime's process group, so a takeover waits for it too. */
  setRuntimeGroup(pgid: number): Promise<void>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/** The fields of /proc/<pid>/stat after "(comm)", which may hold spaces; [] where there is none. */
function statFields(pid: number): string[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return [];
  }
}

/** A process's start time from /proc/<pid>/stat (field 22), or "" where that can't be read. */
export function startTimeOf(pid: number): string {
  return statFields(pid)[19] ?? "";
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie has exited; only its parent has yet to hear of it.
    return pid < 0 || statFields(pid)[0] !== "Z";
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/**
 * Whether any process of the group runs. Where /proc can be read, zombies
 * (exited, not yet reaped: some init processes never reap) don't count.
 */
function groupAlive(pgid: number): boolean {
  if (pgid <= 0 || !alive(-pgid)) return false;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return true;
  }
  return entries.some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const [state, , group] = statFields(Number(entry));
    return group === String(pgid) && state !== undefined && state !== "Z";
  });
}

/** Whether the holder (or its runtime) still runs. */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.runtimeGroup !== undefined && groupAlive(holder.runtimeGroup)) return true;
  if (!alive(holder.pid)) return false;
  // The pid lives: it is the holder unless /proc says it started at another time.
  const now = startTimeOf(holder.pid);
  return holder.started === "" || now === "" || now === holder.started;
}

/** Reads a lock file; undefined if it is gone, or unreadable as a holder (a torn write). */
async function readHolder(file: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { pid: 0, started: "" };
  }
  if (typeof value !== "object" || value === null) return { pid: 0, started: "" };
  const pid = "pid" in value && typeof value.pid === "number" ? value.pid : 0;
  const started = "started" in value && typeof value.started === "string" ? value.started : "";
  const group =
    "runtimeGroup" in value && typeof value.runtimeGroup === "number"
      ? value.runtimeGroup
      : undefined;
  return group === undefined ? { pid, started } : { pid, started, runtimeGroup: group };
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

/**
 * Takes the data directory's lock for this process, or throws DataDirLocked.
 * The directory must exist.
 */
export async function lockDataDir(dataDir: string): Promise<DataLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, started: startTimeOf(process.pid) };
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, JSON.stringify(me));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, file);
        break;
      } catch (error) {
        if (!isCode(error, "EEXIST") || attempt >= MAX_ATTEMPTS) throw error;
      }
      const holder = await readHolder(file);
      if (holder === undefined) continue; // Released meanwhile: try again.
      if (holderAlive(holder)) throw new DataDirLocked(dataDir, holder);
      // Another service is taking the same stale lock over: let it finish.
      if (!(await takeOver(file, holder))) await setTimeout(BUSY_PAUSE_MS);
    }
  } finally {
    await unlink(draft).catch(() => {});
  }

  let current: LockHolder = me;
  return {
    path: file,
    async setRuntimeGroup(pgid) {
      current = { ...me, runtimeGroup: pgid };
      // Written beside and renamed over, so a reader never sees half of it.
      const next = `${file}.${process.pid}.next`;
      await writeFile(next, JSON.stringify(current));
      await rename(next, file);
    },
    async release() {
      const holder = await readHolder(file);
      if (holder?.pid === current.pid && holder.started === current.started) {
        await unlink(file).catch(() => {});
      }
    },
  };
}

/**
 * Removes a stale lock, under the takeover guard, if it is still the stale
 * one; false if another service holds the guard.
 */
async function takeOver(file: string, stale: LockHolder): Promise<boolean> {
  const guard = `${file}.takeover`;
  try {
    await mkdir(guard);
  } catch (error) {
    if (!isCode(error, "EEXIST")) throw error;
    // Another service is taking it over now, or crashed doing so long ago.
    const made = await stat(guard).catch(() => undefined);
    if (made !== undefined && Date.now() - made.mtimeMs > GUARD_STALE_MS) {
      await rm(guard, { recursive: true, force: true });
    }
    return false;
  }
  try {
    const again = await readHolder(file);
    if (
      again !== undefined &&
      again.pid === stale.pid &&
      again.started === stale.started &&
      !holderAlive(again)
    ) {
      await unlink(file).catch(() => {});
    }
    return true;
  } finally {
    await rmdir(guard).catch(() => {});
  }
}
