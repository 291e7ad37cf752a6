/**
 * Every operation the service implements, driven end to end through
 * @aws-sdk/client-kinesis in its default configuration (its HTTP/2 handler,
 * no request-handler override) against `npm start`. Each operation is judged
 * by its effect, seen through the operations that read it back: tags through
 * the tag listings, retention, record size and warm throughput through
 * DescribeStreamSummary, monitoring through DescribeStream, records through
 * GetRecords, deletion through ResourceNotFoundException.
 *
 * The last test checks that the tests above drove every operation the service
 * implements, so an operation added to worker/actions/index.ts without
 * coverage here fails this file.
 */
import { randomBytes } from "node:crypto";
import http2 from "node:http2";
import {
  type _Record,
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeAccountSettingsCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  RemoveTagsFromStreamCommand,
  ResourceNotFoundException,
  SplitShardCommand,
  type StreamDescriptionSummary,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountSettingsCommand,
  UpdateMaxRecordSizeCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  UpdateStreamWarmThroughputCommand,
  ValidationException,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MIN_COMMITMENT_MS,
  ON_DEMAND_STREAM_LIMIT,
  SHARD_LEVEL_METRICS,
} from "../../src/kinesis/constraints.js";
import { OPERATIONS, type Operation, SERVICE_TARGET } from "../../src/kinesis/operations.js";
import {
  ACCOUNT,
  described,
  failure,
  getRecords,
  md5HashKey,
  openShardsInOrder,
  present,
  readToTip,
  shardHolding,
  shardIterator,
  tilesHashKeySpace,
  waitForActive,
} from "./support/kinesis.js";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";
import { waitFor } from "./support/wait.js";

/** A PROVISIONED stream of 3 shards, and an ON_DEMAND one (which gets 4). */
const STREAM = "e2e-provisioned";
const ON_DEMAND = "e2e-on-demand";
const REGION = "us-east-1";
const ONE_MIB = 1024 * 1024;

let service: StartedOnFreshDirectory;
let kinesis: KinesisClient;
/** The operations this client sent that the service answered with success. */
const answered = new Set<string>();

beforeAll(async () => {
  // New streams are ACTIVE at once; deleted ones stay DELETING for the
  // default 500 ms, which the DeleteStream test waits out on its condition.
  // Calls follow each other at once, one attempt each: limits are tested elsewhere.
  service = await startOnFreshDirectory("sdk-default", {
    CREATE_STREAM_MS: "0",
    KINESIS_LIMITS: "off",
  });
  // The SDK's default configuration, as a user writes it: no requestHandler.
  // One attempt, so each error is seen as the service returned it.
  kinesis = new KinesisClient({
    endpoint: service.endpoint,
    region: REGION,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  // Notes each operation that succeeds, for the coverage test at the end.
  kinesis.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      answered.add((context.commandName ?? "").replace(/Command$/, ""));
      return output;
    },
    { step: "initialize", name: "recordAnsweredOperation" },
  );

  await kinesis.send(
    new CreateStreamCommand({ StreamName: STREAM, ShardCount: 3, Tags: { origin: "create" } }),
  );
  await kinesis.send(
    new CreateStreamCommand({
      StreamName: ON_DEMAND,
      StreamModeDetails: { StreamMode: "ON_DEMAND" },
    }),
  );
  await waitForActive(kinesis, STREAM);
  await waitForActive(kinesis, ON_DEMAND);
});

afterAll(async () => {
  kinesis?.destroy();
  await service?.stop();
});

async function summary(stream: string): Promise<StreamDescriptionSummary> {
  const { StreamDescriptionSummary } = await kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: stream }),
  );
  return present(StreamDescriptionSummary, "StreamDescriptionSummary");
}

async function arnOf(stream: string): Promise<string> {
  return present((await summary(stream)).StreamARN, "StreamARN");
}

/** What a test compares of a record: its sequence number, its partition key, its bytes in hex. */
type Row = [sequenceNumber: string | undefined, partitionKey: string | undefined, hex: string];

function contents(records: readonly _Record[]): Row[] {
  return records.map((r) => [
    r.SequenceNumber,
    r.PartitionKey,
    Buffer.from(r.Data ?? []).toString("hex"),
  ]);
}

describe("the default (HTTP/2) SDK client", () => {
  it("really is the SDK's HTTP/2 handler", () => {
    expect(kinesis.config.requestHandler.metadata?.handlerProtocol).toBe("h2");
  });
});

describe("streams: create, describe, list", () => {
  it("CreateStream makes a PROVISIONED stream of 3 shards and an ON_DEMAND stream of 4, ACTIVE", async () => {
    const provisioned = await summary(STREAM);
    expect(provisioned).toMatchObject({
      StreamName: STREAM,
      StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${STREAM}`,
      StreamStatus: "ACTIVE",
      StreamModeDetails: { StreamMode: "PROVISIONED" },
      OpenShardCount: 3,
      RetentionPeriodHours: 24,
      MaxRecordSizeInKiB: 1024,
      EncryptionType: "NONE",
    });
    expect(provisioned.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(await summary(ON_DEMAND)).toMatchObject({
      StreamStatus: "ACTIVE",
      StreamModeDetails: { StreamMode: "ON_DEMAND" },
      OpenShardCount: 4,
    });
  });

  it("DescribeStream pages the shards, which cover the hash key space without gaps", async () => {
    const first = await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM, Limit: 2 }));
    expect(first.StreamDescription?.StreamStatus).toBe("ACTIVE");
    expect(first.StreamDescription?.HasMoreShards).toBe(true);
    const firstShards = first.StreamDescription?.Shards ?? [];
    expect(firstShards.map((s) => s.ShardId)).toEqual([
      "shardId-000000000000",
      "shardId-000000000001",
    ]);
    const rest = await kinesis.send(
      new DescribeStreamCommand({
        StreamName: STREAM,
        ExclusiveStartShardId: firstShards.at(-1)?.ShardId,
      }),
    );
    expect(rest.StreamDescription?.HasMoreShards).toBe(false);
    const shards = [...firstShards, ...(rest.StreamDescription?.Shards ?? [])];
    expect(shards.map((s) => s.ShardId)).toEqual([
      "shardId-000000000000",
      "shardId-000000000001",
      "shardId-000000000002",
    ]);
    expect(tilesHashKeySpace(shards)).toBe(true);
    for (const shard of shards) {
      expect(shard.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d+$/);
    }
  });

  it("ListShards pages with MaxResults and NextToken, to the shards DescribeStream lists", async () => {
    const first = await kinesis.send(new ListShardsCommand({ StreamName: STREAM, MaxResults: 2 }));
    expect(first.Shards?.map((s) => s.ShardId)).toEqual([
      "shardId-000000000000",
      "shardId-000000000001",
    ]);
    const second = await kinesis.send(
      new ListShardsCommand({ NextToken: present(first.NextToken, "NextToken") }),
    );
    expect(second.NextToken).toBeUndefined();
    const description = await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM }));
    expect([...(first.Shards ?? []), ...(second.Shards ?? [])]).toEqual(
      description.StreamDescription?.Shards,
    );
  });

  it("ListStreams pages with Limit and NextToken, in name order, with summaries", async () => {
    const first = await kinesis.send(new ListStreamsCommand({ Limit: 1 }));
    expect(first.StreamNames).toEqual([ON_DEMAND]);
    expect(first.HasMoreStreams).toBe(true);
    expect(first.StreamSummaries).toMatchObject([
      {
        StreamName: ON_DEMAND,
        StreamARN: await arnOf(ON_DEMAND),
        StreamStatus: "ACTIVE",
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
      },
    ]);
    const second = await kinesis.send(
      new ListStreamsCommand({ NextToken: present(first.NextToken, "NextToken") }),
    );
    expect(second.StreamNames).toEqual([STREAM]);
    expect(second.HasMoreStreams).toBe(false);
    expect(second.NextToken).toBeUndefined();
  });

  it("DescribeLimits counts the open shards and on-demand streams against the limits", async () => {
    expect(await kinesis.send(new DescribeLimitsCommand({}))).toMatchObject({
      ShardLimit: 500,
      OpenShardCount: 3 + 4,
      OnDemandStreamCount: 1,
      OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
    });
  });
});

describe("records: PutRecord, PutRecords, GetShardIterator, GetRecords", () => {
  /** A record for the first shard, whatever its partition key: its ExplicitHashKey is 0. */
  const pinned = (key: string, data: Uint8Array) => ({
    StreamName: STREAM,
    PartitionKey: key,
    ExplicitHashKey: "0",
    Data: data,
  });
  const shardId = "shardId-000000000000";

  it("routes each record to the shard holding its hash key and reads it back byte-exact, in order", async () => {
    const first = randomBytes(100);
    const one = await kinesis.send(new PutRecordCommand(pinned("first", first)));
    expect(one.ShardId).toBe(shardId);
    expect(one.SequenceNumber).toMatch(/^\d+$/);

    // Partition keys spread over every shard, and two more pinned to the first.
    const entries: PutRecordsRequestEntry[] = [
      ...Array.from({ length: 30 }, (_, i) => ({ PartitionKey: `key-${i}`, Data: randomBytes(i) })),
      { PartitionKey: "second", ExplicitHashKey: "0", Data: randomBytes(200) },
      { PartitionKey: "third", ExplicitHashKey: "0", Data: new Uint8Array() },
    ];
    const many = await kinesis.send(
      new PutRecordsCommand({ StreamName: STREAM, Records: entries }),
    );
    expect(many.FailedRecordCount).toBe(0);
    const results = many.Records ?? [];
    expect(results).toHaveLength(entries.length);

    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: STREAM }))).Shards ?? [];
    entries.forEach((entry, i) => {
      const hashKey =
        entry.ExplicitHashKey === undefined
          ? md5HashKey(present(entry.PartitionKey, "PartitionKey"))
          : BigInt(entry.ExplicitHashKey);
      expect(results[i]?.ShardId).toBe(shardHolding(shards, hashKey));
    });
    expect(new Set(results.map((r) => r.ShardId)).size).toBe(3);

    // Every shard reads back exactly what was put to it, in put order.
    const expected = new Map<string, Row[]>();
    const put = [
      { entry: { PartitionKey: "first", Data: first }, result: one },
      ...entries.map((entry, i) => ({ entry, result: results[i] })),
    ];
    for (const { entry, result } of put) {
      const shard = present(result?.ShardId, "ShardId");
      const list = expected.get(shard) ?? [];
      list.push([
        result?.SequenceNumber,
        entry.PartitionKey,
        Buffer.from(entry.Data ?? []).toString("hex"),
      ]);
      expected.set(shard, list);
    }
    for (const [shard, records] of expected) {
      const read = await readToTip(kinesis, await shardIterator(kinesis, STREAM, shard));
      expect(contents(read)).toEqual(records);
    }
  });

  it("starts TRIM_HORIZON, AT_ and AFTER_SEQUENCE_NUMBER, LATEST and AT_TIMESTAMP iterators where they say", async () => {
    const all = await readToTip(kinesis, await shardIterator(kinesis, STREAM, shardId));
    // The pinned records, with the keyed ones whose MD5 falls in this shard between them.
    expect(all[0]?.PartitionKey).toBe("first");
    expect(all.slice(-2).map((r) => r.PartitionKey)).toEqual(["second", "third"]);
    const second = present(all[1]?.SequenceNumber, "SequenceNumber");

    const at = await readToTip(
      kinesis,
      await shardIterator(kinesis, STREAM, shardId, { at: second }),
    );
    expect(contents(at)).toEqual(contents(all.slice(1)));
    const after = await readToTip(
      kinesis,
      await shardIterator(kinesis, STREAM, shardId, { after: second }),
    );
    expect(contents(after)).toEqual(contents(all.slice(2)));

    const latest = await getRecords(
      kinesis,
      await shardIterator(kinesis, STREAM, shardId, "LATEST"),
    );
    expect(latest.Records).toEqual([]);
    expect(latest.MillisBehindLatest).toBe(0);

    // A moment strictly after the last arrival, so that only later records are at or after it.
    const lastArrival = present(all.at(-1)?.ApproximateArrivalTimestamp, "arrival").getTime();
    const between = await waitFor(
      async () => {
        const now = Date.now();
        return now > lastArrival ? new Date(now) : undefined;
      },
      { timeoutMs: 2_000, intervalMs: 1 },
    );
    const fourth = await kinesis.send(new PutRecordCommand(pinned("fourth", randomBytes(4))));

    const fromLatest = await readToTip(
      kinesis,
      present(latest.NextShardIterator, "NextShardIterator"),
    );
    expect(fromLatest.map((r) => [r.SequenceNumber, r.PartitionKey])).toEqual([
      [fourth.SequenceNumber, "fourth"],
    ]);
    const fromBetween = await readToTip(
      kinesis,
      await shardIterator(kinesis, STREAM, shardId, { timestamp: between }),
    );
    expect(contents(fromBetween)).toEqual(contents(fromLatest));
    const fromFirst = await readToTip(
      kinesis,
      await shardIterator(kinesis, STREAM, shardId, {
        timestamp: present(all[0]?.ApproximateArrivalTimestamp, "arrival"),
      }),
    );
    expect(contents(fromFirst)).toEqual(contents([...all, ...fromLatest]));
  });

  it("GetRecords returns at most Limit records and the rest from NextShardIterator", async () => {
    const all = await readToTip(kinesis, await shardIterator(kinesis, STREAM, shardId));
    expect(all.length).toBeGreaterThan(2);
    const first = await getRecords(kinesis, await shardIterator(kinesis, STREAM, shardId), 2);
    expect(contents(first.Records ?? [])).toEqual(contents(all.slice(0, 2)));
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const rest = await readToTip(kinesis, present(first.NextShardIterator, "NextShardIterator"), 2);
    expect(contents(rest)).toEqual(contents(all.slice(2)));
  });
});

describe("tags", () => {
  it("AddTagsToStream adds to the tags CreateStream set; ListTagsForStream lists them in key order, paged", async () => {
    await kinesis.send(
      new AddTagsToStreamCommand({ StreamName: STREAM, Tags: { team: "data", tier: "gold" } }),
    );
    expect(await kinesis.send(new ListTagsForStreamCommand({ StreamName: STREAM }))).toMatchObject({
      Tags: [
        { Key: "origin", Value: "create" },
        { Key: "team", Value: "data" },
        { Key: "tier", Value: "gold" },
      ],
      HasMoreTags: false,
    });
    const page = await kinesis.send(
      new ListTagsForStreamCommand({
        StreamName: STREAM,
        ExclusiveStartTagKey: "origin",
        Limit: 1,
      }),
    );
    expect(page).toMatchObject({ Tags: [{ Key: "team", Value: "data" }], HasMoreTags: true });
  });

  it("RemoveTagsFromStream removes the keys named and keeps the others", async () => {
    await kinesis.send(
      new RemoveTagsFromStreamCommand({ StreamName: STREAM, TagKeys: ["tier", "origin"] }),
    );
    const { Tags } = await kinesis.send(new ListTagsForStreamCommand({ StreamName: STREAM }));
    expect(Tags).toEqual([{ Key: "team", Value: "data" }]);
  });

  it("TagResource, ListTagsForResource and UntagResource do the same by stream ARN", async () => {
    const ResourceARN = await arnOf(STREAM);
    await kinesis.send(
      new TagResourceCommand({ ResourceARN, Tags: { team: "platform", cost: "42" } }),
    );
    const tagged = await kinesis.send(new ListTagsForResourceCommand({ ResourceARN }));
    expect(tagged.Tags).toEqual([
      { Key: "cost", Value: "42" },
      { Key: "team", Value: "platform" },
    ]);
    await kinesis.send(new UntagResourceCommand({ ResourceARN, TagKeys: ["team"] }));
    expect((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN }))).Tags).toEqual([
      { Key: "cost", Value: "42" },
    ]);
    // One set of tags, whichever operation reads it.
    expect((await kinesis.send(new ListTagsForStreamCommand({ StreamName: STREAM }))).Tags).toEqual(
      [{ Key: "cost", Value: "42" }],
    );
  });
});

describe("stream settings", () => {
  it("Increase- and DecreaseStreamRetentionPeriod show in DescribeStreamSummary", async () => {
    await kinesis.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: STREAM, RetentionPeriodHours: 168 }),
    );
    expect((await summary(STREAM)).RetentionPeriodHours).toBe(168);
    await kinesis.send(
      new DecreaseStreamRetentionPeriodCommand({ StreamName: STREAM, RetentionPeriodHours: 48 }),
    );
    expect((await summary(STREAM)).RetentionPeriodHours).toBe(48);

    // Lengthening through Decrease is refused, and changes nothing.
    const refused = await failure(
      kinesis.send(
        new DecreaseStreamRetentionPeriodCommand({ StreamName: STREAM, RetentionPeriodHours: 72 }),
      ),
    );
    expect(refused).toBeInstanceOf(InvalidArgumentException);
    expect(refused.$metadata.httpStatusCode).toBe(400);
    expect((await summary(STREAM)).RetentionPeriodHours).toBe(48);
  });

  it("Enable- and DisableEnhancedMonitoring answer the metrics before and after, as DescribeStream shows them", async () => {
    const StreamARN = await arnOf(STREAM);
    const enabled = await kinesis.send(
      new EnableEnhancedMonitoringCommand({
        StreamName: STREAM,
        ShardLevelMetrics: ["OutgoingRecords", "IncomingBytes"],
      }),
    );
    expect(enabled).toMatchObject({
      StreamName: STREAM,
      StreamARN,
      CurrentShardLevelMetrics: [],
      DesiredShardLevelMetrics: ["IncomingBytes", "OutgoingRecords"],
    });
    const description = await kinesis.send(new DescribeStreamCommand({ StreamName: STREAM }));
    expect(description.StreamDescription?.EnhancedMonitoring).toEqual([
      { ShardLevelMetrics: ["IncomingBytes", "OutgoingRecords"] },
    ]);

    const disabled = await kinesis.send(
      new DisableEnhancedMonitoringCommand({ StreamARN, ShardLevelMetrics: ["IncomingBytes"] }),
    );
    expect(disabled).toMatchObject({
      CurrentShardLevelMetrics: ["IncomingBytes", "OutgoingRecords"],
      DesiredShardLevelMetrics: ["OutgoingRecords"],
    });
    expect((await summary(STREAM)).EnhancedMonitoring).toEqual([
      { ShardLevelMetrics: ["OutgoingRecords"] },
    ]);

    // "ALL" names every metric, in the model's order.
    const all = await kinesis.send(
      new EnableEnhancedMonitoringCommand({ StreamName: STREAM, ShardLevelMetrics: ["ALL"] }),
    );
    expect(all.DesiredShardLevelMetrics).toEqual([...SHARD_LEVEL_METRICS]);
    await kinesis.send(
      new DisableEnhancedMonitoringCommand({ StreamName: STREAM, ShardLevelMetrics: ["ALL"] }),
    );
    expect((await summary(STREAM)).EnhancedMonitoring).toEqual([{ ShardLevelMetrics: [] }]);
  });

  it("UpdateMaxRecordSize lets a record above 1 MiB in, and it reads back byte-exact", async () => {
    const big = randomBytes(ONE_MIB + ONE_MIB / 2);
    const put = () =>
      kinesis.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: "big", Data: big }));
    const tooBig = await failure(put());
    expect(tooBig).toBeInstanceOf(ValidationException);

    await kinesis.send(
      new UpdateMaxRecordSizeCommand({ StreamARN: await arnOf(STREAM), MaxRecordSizeInKiB: 2048 }),
    );
    expect((await summary(STREAM)).MaxRecordSizeInKiB).toBe(2048);
    // An isolate other than the one that took the update may go on with the
    // old size until its cached route expires (worker/clients/shard-map.ts): wait
    // for the record to be taken. A refused put writes nothing.
    const { ShardId, SequenceNumber } = await waitFor(put, { timeoutMs: 10_000, intervalMs: 100 });
    const read = await getRecords(
      kinesis,
      await shardIterator(kinesis, STREAM, present(ShardId, "ShardId"), {
        at: present(SequenceNumber, "SequenceNumber"),
      }),
    );
    expect(read.Records?.map((r) => r.SequenceNumber)).toEqual([SequenceNumber]);
    const got = Buffer.from(present(read.Records?.[0]?.Data, "Data"));
    expect(got.length).toBe(big.length);
    expect(got.equals(big)).toBe(true);
  });
});

describe("account settings and warm throughput", () => {
  it("UpdateAccountSettings and DescribeAccountSettings round-trip the MinimumThroughputBillingCommitment", async () => {
    const before = await kinesis.send(new DescribeAccountSettingsCommand({}));
    expect(before.MinimumThroughputBillingCommitment).toEqual({ Status: "DISABLED" });

    const enabled = await kinesis.send(
      new UpdateAccountSettingsCommand({
        MinimumThroughputBillingCommitment: { Status: "ENABLED" },
      }),
    );
    const commitment = present(enabled.MinimumThroughputBillingCommitment, "commitment");
    const startedAt = present(commitment.StartedAt, "StartedAt").getTime();
    expect(commitment.Status).toBe("ENABLED");
    expect(commitment.EarliestAllowedEndAt?.getTime()).toBe(startedAt + MIN_COMMITMENT_MS);
    expect(commitment.EndedAt).toBeUndefined();
    expect(
      (await kinesis.send(new DescribeAccountSettingsCommand({})))
        .MinimumThroughputBillingCommitment,
    ).toEqual(commitment);

    // Disabled before its earliest end, it runs until then.
    const disabled = await kinesis.send(
      new UpdateAccountSettingsCommand({
        MinimumThroughputBillingCommitment: { Status: "DISABLED" },
      }),
    );
    expect(disabled.MinimumThroughputBillingCommitment).toEqual({
      ...commitment,
      Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END",
      EndedAt: commitment.EarliestAllowedEndAt,
    });
    expect(
      (await kinesis.send(new DescribeAccountSettingsCommand({})))
        .MinimumThroughputBillingCommitment,
    ).toEqual(disabled.MinimumThroughputBillingCommitment);

    // Enabled again before then, the scheduled end is called off.
    const again = await kinesis.send(
      new UpdateAccountSettingsCommand({
        MinimumThroughputBillingCommitment: { Status: "ENABLED" },
      }),
    );
    expect(again.MinimumThroughputBillingCommitment).toEqual(commitment);
  });

  it("UpdateStreamWarmThroughput sets an ON_DEMAND stream's target, as DescribeStreamSummary shows", async () => {
    // Warm throughput needs the commitment; asking for it again changes nothing if it is on.
    await kinesis.send(
      new UpdateAccountSettingsCommand({
        MinimumThroughputBillingCommitment: { Status: "ENABLED" },
      }),
    );
    expect((await summary(ON_DEMAND)).WarmThroughput).toEqual({ CurrentMiBps: 4 });

    const updated = await kinesis.send(
      new UpdateStreamWarmThroughputCommand({ StreamName: ON_DEMAND, WarmThroughputMiBps: 100 }),
    );
    expect(updated).toMatchObject({
      StreamName: ON_DEMAND,
      StreamARN: await arnOf(ON_DEMAND),
      WarmThroughput: { TargetMiBps: 100, CurrentMiBps: 4 },
    });
    expect((await summary(ON_DEMAND)).WarmThroughput).toEqual({
      TargetMiBps: 100,
      CurrentMiBps: 100,
    });

    // A PROVISIONED stream has no warm throughput.
    const refused = await failure(
      kinesis.send(
        new UpdateStreamWarmThroughputCommand({ StreamName: STREAM, WarmThroughputMiBps: 100 }),
      ),
    );
    expect(refused).toBeInstanceOf(ValidationException);
    expect(refused.$metadata.httpStatusCode).toBe(400);
  });
});

describe("resharding and capacity modes", () => {
  const openShards = (stream: string) => openShardsInOrder(kinesis, stream);

  it("SplitShard, MergeShards and UpdateShardCount reshape the open shards, with their lineage", async () => {
    const [first] = await openShards(STREAM);
    const start = BigInt(present(first?.HashKeyRange?.StartingHashKey, "start"));
    const end = BigInt(present(first?.HashKeyRange?.EndingHashKey, "end"));
    const at = (start + end) / 2n;
    await kinesis.send(
      new SplitShardCommand({
        StreamName: STREAM,
        ShardToSplit: first?.ShardId,
        NewStartingHashKey: at.toString(),
      }),
    );
    await waitForActive(kinesis, STREAM);
    const [low, high] = await openShards(STREAM);
    expect([low?.ParentShardId, high?.ParentShardId]).toEqual([first?.ShardId, first?.ShardId]);
    expect(high?.HashKeyRange?.StartingHashKey).toBe(at.toString());

    await kinesis.send(
      new MergeShardsCommand({
        StreamName: STREAM,
        ShardToMerge: low?.ShardId,
        AdjacentShardToMerge: high?.ShardId,
      }),
    );
    await waitForActive(kinesis, STREAM);
    const [merged] = await openShards(STREAM);
    expect(merged).toMatchObject({
      ParentShardId: low?.ShardId,
      AdjacentParentShardId: high?.ShardId,
      HashKeyRange: first?.HashKeyRange,
    });

    const scaled = await kinesis.send(
      new UpdateShardCountCommand({
        StreamName: STREAM,
        TargetShardCount: 2,
        ScalingType: "UNIFORM_SCALING",
      }),
    );
    expect(scaled).toMatchObject({ CurrentShardCount: 3, TargetShardCount: 2 });
    await waitForActive(kinesis, STREAM);
    expect((await summary(STREAM)).OpenShardCount).toBe(2);
  });

  it("UpdateStreamMode turns a stream ON_DEMAND, with at least 4 shards, and back", async () => {
    const StreamARN = await arnOf(STREAM);
    await kinesis.send(
      new UpdateStreamModeCommand({ StreamARN, StreamModeDetails: { StreamMode: "ON_DEMAND" } }),
    );
    await waitForActive(kinesis, STREAM);
    expect(await summary(STREAM)).toMatchObject({
      StreamModeDetails: { StreamMode: "ON_DEMAND" },
      OpenShardCount: 4,
    });
    await kinesis.send(
      new UpdateStreamModeCommand({ StreamARN, StreamModeDetails: { StreamMode: "PROVISIONED" } }),
    );
    await waitForActive(kinesis, STREAM);
    expect(await summary(STREAM)).toMatchObject({
      StreamModeDetails: { StreamMode: "PROVISIONED" },
      OpenShardCount: 4,
    });
  });
});

describe("errors over HTTP/2", () => {
  it("come back as the SDK's typed exceptions, with AWS's message and status 400", async () => {
    const error = await failure(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "no-such-stream" })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(described(error)).toEqual({
      name: "ResourceNotFoundException",
      message: `Stream no-such-stream under account ${ACCOUNT} not found.`,
      status: 400,
    });
    expect(error.$metadata.requestId).toMatch(/\S/);
  });
});

describe("DeleteStream", () => {
  it("makes both streams disappear: from describes, lists, writes and the limits' counts", async () => {
    await kinesis.send(new DeleteStreamCommand({ StreamName: STREAM }));
    await kinesis.send(new DeleteStreamCommand({ StreamARN: await arnOf(ON_DEMAND) }));
    for (const stream of [STREAM, ON_DEMAND]) {
      await waitFor(
        async () => {
          const error = await failure(summary(stream));
          return error instanceof ResourceNotFoundException ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 25 },
      );
    }
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
    const put = await failure(
      kinesis.send(
        new PutRecordCommand({ StreamName: STREAM, PartitionKey: "k", Data: randomBytes(1) }),
      ),
    );
    expect(put).toBeInstanceOf(ResourceNotFoundException);
    expect(await kinesis.send(new DescribeLimitsCommand({}))).toMatchObject({
      OpenShardCount: 0,
      OnDemandStreamCount: 0,
    });
  });
});

/**
 * The operations the service implements, asked of the running service rather
 * than read from worker/actions/index.ts: that registry is Worker code, typed
 * against the Workers runtime's Env, so this Node project cannot import it
 * without its type check failing, and parsing its text would break with its
 * formatting. The front door answers UnknownOperationException for an
 * operation of the model (src/kinesis/operations.ts) exactly when the
 * registry has no action for it, and it looks before authentication or
 * validation, so a body of `{}` with any credentials tells them apart without
 * changing anything.
 */
async function implementedOperations(endpoint: string): Promise<Operation[]> {
  const session = http2.connect(endpoint);
  try {
    const answers = await Promise.all(
      OPERATIONS.map(
        (operation) =>
          new Promise<[Operation, string | undefined]>((resolve, reject) => {
            const stream = session.request({
              ":method": "POST",
              ":path": "/",
              "content-type": "application/x-amz-json-1.1",
              "x-amz-target": `${SERVICE_TARGET}.${operation}`,
            });
            let errorType: string | undefined;
            stream.on("response", (headers) => {
              const type = headers["x-amzn-errortype"];
              errorType = typeof type === "string" ? type : undefined;
            });
            stream.on("error", reject);
            stream.on("end", () => resolve([operation, errorType]));
            stream.resume();
            stream.end("{}");
          }),
      ),
    );
    return answers
      .filter(([, errorType]) => errorType !== "UnknownOperationException")
      .map(([operation]) => operation);
  } finally {
    session.close();
  }
}

describe("coverage", () => {
  // This counts what the tests above sent, so it holds for a run of the whole
  // file; run alone (vitest -t), it fails.
  it("drove every operation the service implements to a successful answer", async () => {
    const implemented = await implementedOperations(service.endpoint);
    // The probe told the two kinds apart: the model has operations not built yet.
    expect(implemented).toContain("PutRecords");
    expect(implemented.length).toBeLessThan(OPERATIONS.length);
    const untested = implemented.filter((operation) => !answered.has(operation));
    expect(untested, "implemented, but no test above drives them to success").toEqual([]);
  });
});
