/**
 * One service per data directory: the lock refuses a second holder while
 * the first lives, and a lock left by a crash is taken over, by one service
 * only.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLocked, LOCK_FILE, lockDataDir, startTimeOf } from "../../local/data-lock.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "tributary-lock-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A pid that no process has: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  await new Promise((resolve) => child.once("exit", resolve));
  if (pid === undefined) throw new Error("no pid");
  return pid;
}

describe("the data directory lock", () => {
  it("is held by one at a time: the second is refused with the directory and the holder's pid", async () => {
    const lock = await lockDataDir(dir);
    const refused = await lockDataDir(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirLocked);
    expect(String(refused)).toContain(dir);
    expect(String(refused)).toContain(`pid ${process.pid}`);
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it("is taken over when its holder is gone", async () => {
    const pid = await deadPid();
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid, started: "1" }));
    const lock = await lockDataDir(dir);
    const holder: unknown = JSON.parse(await readFile(path.join(dir, LOCK_FILE), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it("is taken over when its pid now belongs to a process that started at another time", async () => {
    // This very process, but with a start time that is not its own: the pid was reused.
    await writeFile(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, started: `${startTimeOf(process.pid)}9` }),
    );
    const lock = await lockDataDir(dir);
    await lock.release();
  });

  it("is not taken over while the holder's runtime group still runs", async () => {
    const pid = await deadPid();
    const runtime = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      detached: true,
      stdio: "ignore",
    });
    try {
      await writeFile(
        path.join(dir, LOCK_FILE),
        JSON.stringify({ pid, started: "1", runtimeGroup: runtime.pid }),
      );
      await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLocked);
    } finally {
      runtime.kill("SIGKILL");
    }
  });

  it("goes to exactly one of several services that find the same stale lock", async () => {
    const pid = await deadPid();
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid, started: "1" }));
    // Several takers in other processes, all at once.
    const script = `
      import { lockDataDir } from ${JSON.stringify(path.resolve("local/data-lock.ts"))};
      lockDataDir(process.argv[1]).then(
        () => { console.log("locked"); setInterval(() => {}, 1000); },
        (error) => { console.log(error.name); },
      );`;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ["--input-type=module", "-e", script, dir], {
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
    // Every taker answers before any is stopped: a winner killed early would
    // leave a stale lock for the next to take, rightly.
    const outcomes = await Promise.all(
      children.map(async (child) => {
        let out = "";
        child.stdout.setEncoding("utf8");
        for await (const chunk of child.stdout) {
          out += chunk;
          if (out.includes("\n")) break;
        }
        return out.trim();
      }),
    ).finally(() => {
      for (const child of children) child.kill("SIGKILL");
    });
    expect(outcomes.filter((outcome) => outcome === "locked")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "DataDirLocked")).toHaveLength(3);
  });
});
