/**
 * An ON_DEMAND stream scales itself: driven at three times its starting
 * capacity (4 shards, 4,000 records/s), it is throttled at first, splits its hot
 * shards by itself, and the throttling stops. npm start runs as users run it
 * (limits on), with ON_DEMAND_SCALE_MS shortened so that a window of
 * measurement takes a second instead of ten.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import { waitForActive } from "./support/kinesis.js";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";

const STREAM = "scales-itself";
/**
 * Records a second offered: three times what 4 shards take, so that even
 * their first second's burst (one second's worth each) leaves some throttled.
 */
const RATE = 12_000;
const BATCH = 500;
const SECONDS = 9;

let service: StartedOnFreshDirectory;
let client: KinesisClient;

beforeAll(async () => {
  service = await startOnFreshDirectory("on-demand", {
    CREATE_STREAM_MS: "0",
    ON_DEMAND_SCALE_MS: "1000",
  });
  client = kinesisClient(service.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

const openShards = async () =>
  (await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM })))
    .StreamDescriptionSummary?.OpenShardCount ?? 0;

describe("an ON_DEMAND stream under a sustained write rate above its capacity", () => {
  it("splits its shards by itself, and its throttling stops", async () => {
    await client.send(
      new CreateStreamCommand({
        StreamName: STREAM,
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
      }),
    );
    await waitForActive(client, STREAM);
    expect(await openShards()).toBe(4);

    // Batches on a fixed schedule, whatever the answers: the offered load
    // stays at RATE however the stream copes.
    const perSecond = Array.from({ length: SECONDS }, () => ({ sent: 0, throttled: 0 }));
    const errors: unknown[] = [];
    const interval = (1000 * BATCH) / RATE;
    const start = performance.now();
    const calls: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const due = start + i * interval;
      if (due >= start + SECONDS * 1000) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const second = Math.min(SECONDS - 1, Math.floor((performance.now() - start) / 1000));
      calls.push(
        client
          .send(
            new PutRecordsCommand({
              StreamName: STREAM,
              Records: Array.from({ length: BATCH }, (_, j) => ({
                PartitionKey: `key-${i}-${j}`,
                Data: new Uint8Array(10),
              })),
            }),
          )
          .then(
            (out) => {
              const slot = perSecond[second];
              if (!slot) return;
              slot.sent += BATCH;
              slot.throttled += out.FailedRecordCount ?? 0;
            },
            (error: unknown) => {
              errors.push(error);
            },
          ),
      );
    }
    await Promise.all(calls);

    expect(errors).toEqual([]);
    // At first the four shards take at most two thirds of what is offered...
    expect(perSecond[0]?.throttled).toBeGreaterThan(0);
    // ...then the stream has split, and nothing is throttled any more.
    expect(await openShards()).toBeGreaterThanOrEqual(16);
    const last = perSecond.slice(-2);
    expect(last.map((s) => s.throttled)).toEqual([0, 0]);
    expect(last.every((s) => s.sent >= RATE * 0.8)).toBe(true);
    // Splits it made by itself leave the stream ACTIVE.
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
  });
});
