/**
 * Throughput limits are on by default: npm start, as users run it, throttles a
 * shard written faster than 1,000 records a second, the way AWS does. (The
 * limits themselves are tested in test/workers/api/throughput.test.ts.)
 */
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import { ACCOUNT, createActiveStream } from "./support/kinesis.js";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";

let service: StartedOnFreshDirectory;
let client: KinesisClient;

beforeAll(async () => {
  service = await startOnFreshDirectory("limits", { CREATE_STREAM_MS: "0" });
  client = kinesisClient(service.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

describe("npm start's default configuration", () => {
  it("throttles a shard written above 1,000 records a second, entry by entry", async () => {
    await createActiveStream(client, "limited", 1);
    const started = performance.now();
    // 2,000 records at once: at most 1,000 plus what a second refills can pass.
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, batch) =>
        client.send(
          new PutRecordsCommand({
            StreamName: "limited",
            Records: Array.from({ length: 500 }, (_, i) => ({
              PartitionKey: `k${batch}-${i}`,
              Data: new Uint8Array(10),
            })),
          }),
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const entries = answers.flatMap((a) => a.Records ?? []);
    const failed = entries.filter((e) => e.ErrorCode !== undefined);
    expect(answers.reduce((n, a) => n + (a.FailedRecordCount ?? 0), 0)).toBe(failed.length);
    expect(entries.length - failed.length).toBeLessThanOrEqual(1000 + Math.ceil(1000 * seconds));
    expect(failed.length).toBeGreaterThan(0);
    for (const entry of failed) {
      expect(entry.ErrorCode).toBe("ProvisionedThroughputExceededException");
      expect(entry.ErrorMessage).toBe(
        `Rate exceeded for shard shardId-000000000000 in stream limited under account ${ACCOUNT}.`,
      );
    }
  });
});
