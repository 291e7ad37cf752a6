import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { livingInGroups, processTree, type StartedProcess, spawnStart } from "./support/process.js";
import { type Service, startService } from "./support/service.js";
import { waitFor } from "./support/wait.js";

function listStreams(endpoint: string): Promise<Response> {
  return fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "Kinesis_20131202.ListStreams",
    },
    body: "{}",
  });
}

describe("startService", () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it("serves HTTP on 127.0.0.1 and removes its data directory on stop", async () => {
    service = await startService();
    expect(service.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(service.dataDir)).toBe(true);

    const response = await listStreams(service.endpoint);
    expect(response.status).toBeGreaterThanOrEqual(200);
    await response.arrayBuffer();

    const { dataDir } = service;
    await service.stop();
    service = undefined;
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe("bin/tributary.ts (npm start)", () => {
  let started: StartedProcess | undefined;
  let tempDir: string | undefined;
  afterEach(async () => {
    await started?.kill("SIGTERM");
    started = undefined;
    if (tempDir !== undefined) {
      await rm(tempDir, { recursive: true, force: true });
      tempDir = undefined;
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "serves, prints where, and stops cleanly on %s to its process group",
    async (signal) => {
      tempDir = await mkdtemp(path.join(tmpdir(), "tributary-start-"));
      // A directory that does not exist yet: the service creates it.
      const dataDir = path.join(tempDir, "nested", "data");
      started = await spawnStart({ dataDir });
      const { pid } = started;
      expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.output()).toContain(`Stream data is stored in ${dataDir}`);
      expect(existsSync(dataDir)).toBe(true);

      const response = await listStreams(started.endpoint);
      expect(response.status).toBeGreaterThanOrEqual(200);
      await response.arrayBuffer();

      // The runtime (Miniflare, workerd) runs in a group of its own; watch every group.
      const groups = new Set((await processTree(pid)).map((p) => p.pgid));
      expect(groups.has(pid)).toBe(true);
      expect(groups.size).toBeGreaterThan(1);

      await started.kill(signal);
      expect(await started.exited).toBe(0);
      started = undefined;
      // A SIGKILLed process takes a moment to be gone; allow that, no more.
      const gone = await waitFor(
        async () => ((await livingInGroups(groups)).length === 0 ? true : undefined),
        { timeoutMs: 2_000, intervalMs: 50 },
      ).catch(() => false);
      expect(gone ? [] : await livingInGroups(groups)).toEqual([]);
    },
  );
});
