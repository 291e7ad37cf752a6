/**
 * The README, held to the service as `npm start` runs it: its table of
 * operations against what each operation answers, and its AWS CLI blocks run
 * with bash exactly as a user pastes them.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as sdk from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/kinesis/operations.js";
import { kinesisClient } from "./support/client.js";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";
import { projectRoot } from "./support/service.js";

const run = promisify(execFile);
const README = readFileSync(path.join(projectRoot, "README.md"), "utf8");

/** The text of the README's `## <heading>` section, up to the next `## `. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

interface Row {
  operation: string;
  supported: boolean;
}

/** The rows of the table in "## Operations": `| Area | Operation | Supported | Notes |`. */
function operationsTable(): Row[] {
  const lines = section("Operations")
    .split("\n")
    .filter((line) => line.startsWith("|"));
  // The header and the separator line.
  return lines.slice(2).map((line) => {
    const [, operation, supported] = line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
    const name = /^`([A-Za-z]+)`$/.exec(operation ?? "")?.[1];
    if (name === undefined || (supported !== "yes" && supported !== "no")) {
      throw new Error(`README.md: cannot read the operations table's row ${line}`);
    }
    return { operation: name, supported: supported === "yes" };
  });
}

type AnyCommand = new (input: object) => Parameters<sdk.KinesisClient["send"]>[0];

/** The SDK's command for an operation of the model, e.g. `ListStreamsCommand`. */
function commandOf(operation: string): AnyCommand {
  const command: unknown = Reflect.get(sdk, `${operation}Command`);
  if (typeof command !== "function") throw new Error(`the AWS SDK has no ${operation}Command`);
  return command as AnyCommand;
}

describe("the README's table of operations", () => {
  const rows = operationsTable();
  const supported = rows.filter((r) => r.supported).map((r) => r.operation);
  const missing = rows.filter((r) => !r.supported).map((r) => r.operation);

  it("lists every operation of AWS's model once", () => {
    expect(rows.map((r) => r.operation).sort()).toEqual([...OPERATIONS].sort());
  });

  it("counts them as the table does", () => {
    const prose = section("Operations");
    expect(prose).toContain(`model has ${OPERATIONS.length} operations`);
    expect(prose).toContain(`implements ${supported.length} of them`);
    expect(prose).toContain(`the other ${missing.length}`);
  });

  describe("against npm start", () => {
    let service: StartedOnFreshDirectory;

    beforeAll(async () => {
      service = await startOnFreshDirectory("readme-operations");
    });

    afterAll(async () => {
      await service?.stop();
    });

    it("answers UnknownOperationException for exactly the operations marked no", async () => {
      const client = kinesisClient(service.endpoint);
      /** An empty input: enough to tell an operation that exists from one that does not. */
      const answers = async (operation: string): Promise<string> => {
        try {
          await client.send(new (commandOf(operation))({}));
          return "answered";
        } catch (error) {
          if (!(error instanceof sdk.KinesisServiceException)) throw error;
          return error.name === "UnknownOperationException" ? "unknown" : "answered";
        }
      };
      const seen: Record<string, string> = {};
      for (const { operation } of rows) seen[operation] = await answers(operation);
      const expected = Object.fromEntries(
        rows.map((r) => [r.operation, r.supported ? "answered" : "unknown"]),
      );
      expect(seen).toEqual(expected);
    });
  });
});

/** The README's AWS CLI blocks, by major version: the ```sh block after "AWS CLI v1 (…):". */
function cliBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  const text = section("Using it");
  for (const match of text.matchAll(/^AWS CLI (v\d) \(.*\):\n\n```sh\n([\s\S]*?)\n```$/gm)) {
    const [, version, block] = match;
    if (version !== undefined && block !== undefined) blocks.set(version, block);
  }
  return blocks;
}

interface Cli {
  /** The executable to run as `aws`. */
  path: string;
  /** What `aws --version` prints, e.g. aws-cli/2.9.19 Python/3.11.2 … */
  version: string;
}

/** What `<file> --version` prints (v1 prints to stderr on old Pythons), or undefined. */
function versionOf(file: string): string | undefined {
  try {
    return execFileSync(file, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    }).trim();
  } catch (error) {
    const stderr = error instanceof Error ? Reflect.get(error, "stderr") : undefined;
    return typeof stderr === "string" && stderr.startsWith("aws-cli/") ? stderr.trim() : undefined;
  }
}

/** Debian's AWS CLI, the v2 that .ci/run installs. */
function debianCli(): Cli | undefined {
  const file = "/usr/bin/aws";
  const version = existsSync(file) ? versionOf(file) : undefined;
  return version?.startsWith("aws-cli/2.") ? { path: file, version } : undefined;
}

/** The first `aws` on the PATH that is version 1 (pip's awscli, e.g. under pyenv). */
function v1Cli(): Cli | undefined {
  const seen = new Set<string>();
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, "aws");
    if (dir === "" || !existsSync(file)) continue;
    const real = realpathSync(file);
    if (seen.has(real)) continue;
    seen.add(real);
    const version = versionOf(file);
    if (version?.startsWith("aws-cli/1.")) return { path: file, version };
  }
  return undefined;
}

const v2 = debianCli();
if (!v2 && process.env.CI) {
  throw new Error("/usr/bin/aws (AWS CLI v2) is missing: .ci/run installs Debian's awscli package");
}
const v1 = v1Cli();

/**
 * Runs a block with bash as pasted, `aws` being `cli`, against a fresh
 * service: ENDPOINT points at it, HOME is empty (no ~/.aws of the user's), and
 * the environment carries nothing else of this process but PATH. bash runs it
 * with -e and pipefail, stricter than a terminal is, so that a command that
 * fails anywhere in the block fails the test.
 */
async function runBlock(block: string, cli: Cli): Promise<string> {
  const scratch = await mkdtemp(path.join(tmpdir(), "tributary-readme-cli-"));
  const service = await startOnFreshDirectory("readme-cli");
  try {
    const bin = path.join(scratch, "bin");
    const home = path.join(scratch, "home");
    await mkdir(bin);
    await mkdir(home);
    await symlink(cli.path, path.join(bin, "aws"));
    const { stdout } = await run("bash", ["-e", "-o", "pipefail", "-c", block], {
      cwd: home,
      env: {
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? "/usr/bin:/bin"}`,
        HOME: home,
        ENDPOINT: service.endpoint,
      },
      timeout: 240_000,
    });
    return stdout;
  } finally {
    await service.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

describe("the README's AWS CLI blocks, run as pasted", () => {
  const blocks = cliBlocks();

  it("has one block for v1 and one for v2", () => {
    expect([...blocks.keys()].sort()).toEqual(["v1", "v2"]);
  });

  for (const [version, cli, missing] of [
    ["v2", v2, "no AWS CLI v2 at /usr/bin/aws (Debian's awscli package)"],
    ["v1", v1, "no AWS CLI v1 on the PATH (pip install awscli gives one)"],
  ] as const) {
    const name = cli
      ? `runs the ${version} block with ${cli.version.split(" ")[0]} and prints the record`
      : `runs the ${version} block (skipped: ${missing})`;
    it.runIf(cli !== undefined)(
      name,
      async () => {
        const block = blocks.get(version);
        if (block === undefined || cli === undefined) throw new Error(`no ${version} block`);
        const stdout = await runBlock(block, cli);
        expect(stdout).toContain('"ShardId": "shardId-000000000000"');
        expect(stdout).toMatch(/^hello, stream$/m);
      },
      300_000,
    );
  }
});
