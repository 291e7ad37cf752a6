/**
 * The command line as users run it (`npx tributary`, `npm start -- …`):
 * --help, flags and variables, startup failures as one line each, the
 * banner, the request log, and errors in the log that name source files.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  START_SCRIPT,
  type StartedOnFreshDirectory,
  serviceGroups,
  signalGroups,
  spawnStart,
  startOnFreshDirectory,
  stopService,
  survivors,
} from "./support/process.js";
import { packageVersion, projectRoot } from "./support/service.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command to its end (for what must not start), with a bound on how long. */
async function command(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [START_SCRIPT, ...args], {
      cwd: projectRoot,
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof Error && "code" in error && typeof error.code === "number") {
      const stdout = "stdout" in error && typeof error.stdout === "string" ? error.stdout : "";
      const stderr = "stderr" in error && typeof error.stderr === "string" ? error.stderr : "";
      return { code: error.code, stdout, stderr };
    }
    throw error;
  }
}

/** The lines a failure printed, without the hint to rerun with --debug. */
function failureLines(outcome: Outcome): string[] {
  return outcome.stderr.split("\n").filter((line) => line !== "");
}

/** One Kinesis call over HTTP/1.1; its status, with the body read. */
async function kinesisCall(
  endpoint: string,
  operation: string,
  input: object,
): Promise<{ status: number }> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `Kinesis_20131202.${operation}`,
      "x-amz-date": "20261202T000000Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(input),
  });
  await response.arrayBuffer();
  return { status: response.status };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "tributary-cli-"));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("npx tributary", () => {
  it("runs the command from the project's bin, on the pinned Node", async () => {
    const version = await packageVersion();
    // --no-install: nothing is fetched; the project's own bin is found.
    const { stdout } = await run("npx", ["--no-install", "tributary", "--version"], {
      cwd: projectRoot,
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe(version);
  });
});

describe("--help and bad arguments", () => {
  it("--help prints the usage with every setting, and starts nothing", async () => {
    const outcome = await command(["--help", "--port", "1", "--path", "/x"]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Tributary .*\n\nUsage: npx tributary \[flags\]/);
    for (const flag of ["--port", "--host", "--data-dir", "--tls", "--log", "--limits"]) {
      expect(outcome.stdout).toContain(flag);
    }
    expect(outcome.stdout).toContain("TRIBUTARY_INSPECTOR_PORT");
  });

  it("refuses an unknown flag in one line, with no stack, and exit code 2", async () => {
    const outcome = await command(["--path", "/x"]);
    expect(outcome.code).toBe(2);
    expect(failureLines(outcome)).toEqual([
      "tributary: unknown flag --path",
      "tributary: see --help for the settings",
    ]);
  });

  it.each([
    [
      { KINESIS_LIMITS: "maybe" },
      'KINESIS_LIMITS is "maybe", but it takes on/true/1/yes or off/false/0/no',
    ],
    [
      { CREATE_STREAM_MS: "abc" },
      'CREATE_STREAM_MS is "abc", but it takes a whole number from 0 to 86400000',
    ],
    [{ PORT: "70000" }, 'PORT is "70000", but it takes a whole number from 0 to 65535'],
  ])("refuses the setting %j by name, with what it takes", async (env, message) => {
    const outcome = await command([], env);
    expect(outcome.code).toBe(2);
    expect(failureLines(outcome)[0]).toBe(`tributary: ${message}`);
  });
});

describe("startup failures: one line each", () => {
  it("a port in use", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const address = busy.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const outcome = await command([
        "--port",
        String(port),
        "--data-dir",
        path.join(scratch, "busy"),
      ]);
      expect(outcome.code).toBe(1);
      expect(failureLines(outcome)).toEqual([
        `tributary: port ${port} on 127.0.0.1 is already in use (PORT or --port sets another)`,
      ]);
    } finally {
      busy.close();
    }
  });

  it("a data directory that cannot be made, and its stack under --debug", async () => {
    const file = path.join(scratch, "a-file");
    await writeFile(file, "");
    const dataDir = path.join(file, "data");
    const outcome = await command(["--data-dir", dataDir, "--port", "0"]);
    expect(outcome.code).toBe(1);
    const lines = failureLines(outcome);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^tributary: cannot create the data directory ${dataDir}: `),
    );

    const debug = await command(["--data-dir", dataDir, "--port", "0", "--debug"]);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe("one service per data directory", () => {
  let first: StartedOnFreshDirectory | undefined;
  afterEach(async () => {
    await first?.stop();
    first = undefined;
  });

  it("refuses a second service on the same directory, naming it and the holder's pid", async () => {
    first = await startOnFreshDirectory("lock");
    const outcome = await command(["--port", "0", "--data-dir", first.dataDir]);
    expect(outcome.code).toBe(1);
    expect(failureLines(outcome)).toEqual([
      `tributary: the data directory ${first.dataDir} is in use by another Tributary (pid ${first.pid}); ` +
        "stop that one, or give this one another directory with --data-dir or KINESIS_DATA_DIR",
    ]);
    // The first is untouched.
    const listed = await kinesisCall(first.endpoint, "ListStreams", {});
    expect(listed.status).toBe(200);
  });

  it("takes over the lock a killed service left", async () => {
    first = await startOnFreshDirectory("lock-crash");
    const { dataDir } = first;
    // Killed outright, both groups at once: the lock stays behind, its holder gone.
    const killed = first;
    first = undefined;
    const groups = await serviceGroups(killed);
    signalGroups(groups, "SIGKILL");
    expect(await survivors(groups)).toEqual([]);
    const again = await spawnStart({ dataDir });
    try {
      expect((await kinesisCall(again.endpoint, "ListStreams", {})).status).toBe(200);
    } finally {
      await stopService(again);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("serving", () => {
  let service: StartedOnFreshDirectory | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it("takes its settings as flags: --port, --data-dir relative to where it runs, --host", async () => {
    const port = await freePort();
    const started = await spawnStart({
      dataDir: path.join(scratch, "unused"),
      args: ["--port", String(port), "--data-dir", "./flagged", "--host", "127.0.0.1"],
      env: { INIT_CWD: scratch },
    });
    try {
      expect(started.endpoint).toBe(`http://127.0.0.1:${port}`);
      expect(started.output()).toContain(
        `Stream data is stored in ${path.join(scratch, "flagged")}`,
      );
    } finally {
      await stopService(started);
    }
  });

  it("with --host 0.0.0.0 listens on every interface, and says what that exposes", async () => {
    service = await startOnFreshDirectory("every-interface", {}, ["--host", "0.0.0.0"]);
    expect(service.output()).toContain(
      "Listening on every interface (0.0.0.0): other machines and containers can reach it, with no credentials checked.",
    );
    // Reached here through loopback, as any address of the machine would be.
    const port = new URL(service.endpoint).port;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
  });

  it("says at start that limits are on, and how to turn them off", async () => {
    service = await startOnFreshDirectory("banner", { KINESIS_LIMITS: "" });
    expect(service.output()).toContain(
      "Throughput limits are on, as AWS enforces them per shard; --limits off or KINESIS_LIMITS=off turns them off.",
    );
  });

  it("with --limits false says they are off", async () => {
    service = await startOnFreshDirectory("banner-off", {}, ["--limits", "false"]);
    expect(service.output()).toContain("Throughput limits are off");
  });

  it("with LOG=requests prints a line per call: time, operation, stream, status, ms", async () => {
    service = await startOnFreshDirectory("log", { LOG: "requests", CREATE_STREAM_MS: "0" });
    await kinesisCall(service.endpoint, "CreateStream", { StreamName: "logged", ShardCount: 1 });
    await kinesisCall(service.endpoint, "DescribeStream", { StreamName: "missing" });
    const running = service;
    const lines = await waitFor(
      async () => {
        const found = running
          .output()
          .split("\n")
          .filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(lines[0]).toMatch(/^\S+Z CreateStream logged 200 \d+ms$/);
    expect(lines[1]).toMatch(/^\S+Z DescribeStream missing 400 \d+ms$/);
  });

  it("serves an edited Worker on the next start: the cached bundle is made again", async () => {
    const fixture = path.join(projectRoot, "test/node/fixtures/failing-worker");
    const copy = await mkdtemp(path.join(tmpdir(), "tributary-edited-"));
    await cp(fixture, copy, { recursive: true });
    const config = path.join(copy, "wrangler.toml");
    const answer = async (): Promise<string> => {
      const started = await spawnStart({
        dataDir: path.join(copy, "data"),
        env: { TRIBUTARY_WRANGLER_CONFIG: config },
      });
      try {
        const response = await fetch(started.endpoint);
        return await response.text();
      } finally {
        await stopService(started);
      }
    };
    try {
      expect(await answer()).toBe("failed");
      expect(await answer()).toBe("failed");
      const source = path.join(copy, "worker.ts");
      await writeFile(
        source,
        (await readFile(source, "utf8")).replace('new Response("failed"', 'new Response("edited"'),
      );
      expect(await answer()).toBe("edited");
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("prints errors the Worker logs with places in its source files, not the bundle", async () => {
    service = await startOnFreshDirectory("source-map", {
      TRIBUTARY_WRANGLER_CONFIG: path.join(
        projectRoot,
        "test/node/fixtures/failing-worker/wrangler.toml",
      ),
    });
    const response = await fetch(service.endpoint);
    expect(response.status).toBe(500);
    await response.arrayBuffer();
    const running = service;
    const output = await waitFor(
      async () => (running.output().includes("failing on purpose") ? running.output() : undefined),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const source = path.join(projectRoot, "test/node/fixtures/failing-worker/worker.ts");
    expect(output).toContain(`at failDeepInside (${source}:4:9)`);
    expect(output).not.toMatch(/index\.js:\d+:\d+/);
  });
});
