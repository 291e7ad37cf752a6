/**
 * The AWS CLI (Debian's awscli package, which .ci/run installs) against
 * `npm start`, with nothing but --endpoint-url: the commands a user of the
 * CLI runs first, with their real output.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_TOOL_ENV } from "./support/client.js";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);
/** Debian's AWS CLI; other installs on the PATH may differ in version and flags. */
const AWS = "/usr/bin/aws";
const available = existsSync(AWS);
if (!available && process.env.CI) {
  throw new Error(`${AWS} is missing: .ci/run installs Debian's awscli package`);
}

let service: StartedOnFreshDirectory;
let home: string;

/** Runs `aws kinesis <args>` against the service and parses its JSON output. */
async function kinesis(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    AWS,
    ["kinesis", ...args, "--endpoint-url", service.endpoint, "--output", "json"],
    {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        ...AWS_TOOL_ENV,
      },
      timeout: 60_000,
    },
  );
  return stdout.trim() === "" ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}

describe.runIf(available)("the AWS CLI against npm start", () => {
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), "tributary-cli-home-"));
    service = await startOnFreshDirectory("cli", { CREATE_STREAM_MS: "0" });
  });

  afterAll(async () => {
    await service?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("creates a stream, puts records and reads them back", async () => {
    await kinesis("create-stream", "--stream-name", "cli", "--shard-count", "1");
    await waitFor(
      async () => {
        const summary = await kinesis("describe-stream-summary", "--stream-name", "cli");
        const status = (summary.StreamDescriptionSummary as { StreamStatus?: string }).StreamStatus;
        return status === "ACTIVE" ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    const one = await kinesis(
      "put-record",
      "--stream-name",
      "cli",
      "--partition-key",
      "user-1",
      "--data",
      Buffer.from("hello, stream").toString("base64"),
      "--cli-binary-format",
      "base64",
    );
    expect(one.ShardId).toBe("shardId-000000000000");
    const many = await kinesis(
      "put-records",
      "--stream-name",
      "cli",
      "--records",
      JSON.stringify([
        { Data: Buffer.from("two").toString("base64"), PartitionKey: "a" },
        { Data: Buffer.from("three").toString("base64"), PartitionKey: "b" },
      ]),
      "--cli-binary-format",
      "base64",
    );
    expect(many.FailedRecordCount).toBe(0);

    const { ShardIterator } = await kinesis(
      "get-shard-iterator",
      "--stream-name",
      "cli",
      "--shard-id",
      "shardId-000000000000",
      "--shard-iterator-type",
      "TRIM_HORIZON",
    );
    const read = await kinesis("get-records", "--shard-iterator", String(ShardIterator));
    const records = read.Records as {
      Data: string;
      PartitionKey: string;
      SequenceNumber: string;
    }[];
    expect(records.map((r) => Buffer.from(r.Data, "base64").toString())).toEqual([
      "hello, stream",
      "two",
      "three",
    ]);
    expect(records[0]?.SequenceNumber).toBe(one.SequenceNumber);
    expect(read.MillisBehindLatest).toBe(0);
  });

  it("tags a stream, lists and removes its tags", async () => {
    await kinesis("add-tags-to-stream", "--stream-name", "cli", "--tags", "team=data,tier=gold");
    expect(await kinesis("list-tags-for-stream", "--stream-name", "cli")).toEqual({
      Tags: [
        { Key: "team", Value: "data" },
        { Key: "tier", Value: "gold" },
      ],
      HasMoreTags: false,
    });
    await kinesis("remove-tags-from-stream", "--stream-name", "cli", "--tag-keys", "tier");
    expect(await kinesis("list-tags-for-stream", "--stream-name", "cli")).toEqual({
      Tags: [{ Key: "team", Value: "data" }],
      HasMoreTags: false,
    });
  });

  it("raises and lowers the retention period", async () => {
    const hours = async () =>
      (
        (await kinesis("describe-stream-summary", "--stream-name", "cli"))
          .StreamDescriptionSummary as { RetentionPeriodHours: number }
      ).RetentionPeriodHours;
    await kinesis(
      "increase-stream-retention-period",
      "--stream-name",
      "cli",
      "--retention-period-hours",
      "48",
    );
    expect(await hours()).toBe(48);
    await kinesis(
      "decrease-stream-retention-period",
      "--stream-name",
      "cli",
      "--retention-period-hours",
      "24",
    );
    expect(await hours()).toBe(24);
  });

  it("shows AWS's error for a stream that does not exist", async () => {
    await expect(kinesis("describe-stream-summary", "--stream-name", "missing")).rejects.toThrow(
      /ResourceNotFoundException.*Stream missing under account 000000000000 not found\./s,
    );
  });
});
