// @ts-check
/**
 * `npm start`: serve the Kinesis API on http://127.0.0.1:4567 (PORT) with
 * stream data persisted under .tributary/data (KINESIS_DATA_DIR). See
 * scripts/serve.mjs for the configuration it reads and how it runs the Worker.
 *
 * Why two processes: wrangler runs workerd (and an esbuild service) as
 * children in the caller's process group, so Ctrl-C in a terminal, or a
 * signal sent to the whole group, reaches workerd at the same moment as
 * wrangler. Wrangler then sees its runtime die underneath it, tries to restart
 * it, and the stop fails with EPIPE or "runtime failed to start" and a
 * non-zero exit. So this supervisor runs scripts/serve.mjs in a process group
 * of its own (where group signals cannot reach workerd), forwards SIGINT,
 * SIGTERM and SIGHUP to that one process, and exits with its status once it
 * has disposed the Worker. Whatever of that group is still alive then is
 * killed. If this supervisor dies without a chance to forward, serve.mjs sees
 * its IPC channel close and stops by itself.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serve = path.join(path.dirname(fileURLToPath(import.meta.url)), "serve.mjs");

const child = spawn(process.execPath, [serve], {
  detached: true,
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});

/** @type {NodeJS.Signals | undefined} */
let forwarded;

/** @param {number} pgid */
function killGroup(pgid) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  const pid = child.pid;
  if (pid === undefined) {
    return;
  }
  if (forwarded !== undefined) {
    // A second signal while stopping: stop waiting.
    console.error(`tributary: ${signal} while stopping; killing the Worker`);
    killGroup(pid);
    process.exit(1);
  }
  forwarded = signal;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone; the exit handler decides.
  }
}

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(signal, onSignal);
}

// Under `npm start`, a SIGTERM sent to npm alone reaches the `sh -c` that npm
// runs this script in, and sh exits without passing it on, which would leave
// this process and the server running. So when npm started us, being orphaned
// counts as a signal to stop.
if (process.env.npm_lifecycle_event !== undefined) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      if (forwarded === undefined) {
        onSignal("SIGHUP");
      }
    }
  }, 500);
  watch.unref();
}

child.on("error", (error) => {
  console.error(`tributary: cannot run ${serve}: ${error.message}`);
  process.exit(1);
});

child.on("exit", (code, signal) => {
  if (child.pid !== undefined) {
    killGroup(child.pid);
  }
  if (signal !== null) {
    console.error(`tributary: the server was killed by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
