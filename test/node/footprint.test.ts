/**
 * What the service costs the machine when idle, as users start it: at most
 * 300 MiB across its processes, counted by each one's proportional share
 * (Pss), so the Node binary's code that both Node processes map is counted
 * once.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryOfGroups, pssBytes } from "../../local/processes.ts";
import {
  type StartedOnFreshDirectory,
  serviceGroups,
  startOnFreshDirectory,
} from "./support/process.js";
import { waitFor } from "./support/wait.js";

const MIB = 1024 * 1024;
const IDLE_LIMIT_MIB = 300;

let service: StartedOnFreshDirectory;

beforeAll(async () => {
  service = await startOnFreshDirectory("footprint");
});

afterAll(async () => {
  await service?.stop();
});

describe.skipIf(!existsSync("/proc/self/smaps_rollup"))("idle memory", () => {
  it(`is at most ${IDLE_LIMIT_MIB} MiB across the service's processes`, async () => {
    const groups = await serviceGroups(service);
    // Settled: the Worker bundler has exited and three processes remain (the
    // command, the runtime, workerd).
    const processes = await waitFor(
      async () => {
        const found = memoryOfGroups(groups);
        return found.length === 3 ? found : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const shares = processes.map((p) => ({ label: p.label, mib: pssBytes(p.pid) / MIB }));
    const total = shares.reduce((sum, share) => sum + share.mib, 0);
    const breakdown = shares.map((s) => `${s.label} ${s.mib.toFixed(1)} MiB`).join(", ");
    expect(total, breakdown).toBeLessThanOrEqual(IDLE_LIMIT_MIB);
  });
});
