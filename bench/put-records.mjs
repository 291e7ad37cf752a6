// @ts-check
/**
 * A first throughput figure: PutRecords of 500 × 1 KiB records into a 4-shard
 * stream, through the AWS SDK for JavaScript v3 (HTTP/1.1 handler) from Node,
 * against the Worker on the local runtime. `npm run bench:put` runs it.
 *
 * Options (environment): BENCH_SECONDS (default 10), BENCH_CONCURRENCY
 * (default 8 producers), BENCH_RECORD_BYTES (default 1024).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { unstable_startWorker } from "wrangler";

process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_LOG ??= "warn";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const recordBytes = Number(process.env.BENCH_RECORD_BYTES ?? 1024);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

const dataDir = await mkdtemp(path.join(tmpdir(), "tributary-bench-"));
const worker = await unstable_startWorker({
  config: path.join(root, "wrangler.toml"),
  bindings: {
    CREATE_STREAM_MS: { type: "plain_text", value: "0" },
  },
  dev: {
    server: { hostname: "127.0.0.1", port: 0 },
    persist: dataDir,
    inspector: false,
    watch: false,
  },
});
await worker.ready;
const endpoint = (await worker.url).origin;

const client = new KinesisClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  requestHandler: new NodeHttpHandler({
    httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }),
  }),
  maxAttempts: 1,
});

try {
  const StreamName = "bench";
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: 4 }));
  for (;;) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName }),
    );
    if (StreamDescriptionSummary?.StreamStatus === "ACTIVE") break;
  }
  const payload = randomBytes(recordBytes);
  const batch = () =>
    Array.from({ length: 500 }, (_, i) => ({
      Data: payload,
      PartitionKey: `key-${i}-${Math.random()}`,
    }));

  // Warm up the isolate, the shard objects and the connections.
  await Promise.all(
    Array.from({ length: concurrency }, () =>
      client.send(new PutRecordsCommand({ StreamName, Records: batch() })),
    ),
  );

  let records = 0;
  let failed = 0;
  let calls = 0;
  const latencies = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const out = await client.send(new PutRecordsCommand({ StreamName, Records: batch() }));
        latencies.push(performance.now() - t0);
        calls++;
        records += 500 - (out.FailedRecordCount ?? 0);
        failed += out.FailedRecordCount ?? 0;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(1);
  const result = {
    workload: `PutRecords 500 x ${recordBytes} B, 4 shards, ${concurrency} producers, ${seconds} s`,
    calls,
    records,
    failed,
    recordsPerSecond: Math.round(records / elapsed),
    mibPerSecond: Number(((records * recordBytes) / elapsed / 1048576).toFixed(2)),
    callLatencyMs: { p50: pct(0.5), p99: pct(0.99) },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  client.destroy();
  await worker.dispose();
  await rm(dataDir, { recursive: true, force: true });
}
