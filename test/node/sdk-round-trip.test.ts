/**
 * The Worker, started locally, driven end to end by the real
 * @aws-sdk/client-kinesis: what goes in through PutRecord and PutRecords comes
 * out of GetRecords, routed, ordered and byte-exact, and bad requests come back
 * as the AWS errors the SDK knows.
 */
import { randomBytes } from "node:crypto";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  ResourceNotFoundException,
  type Shard,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import {
  ACCOUNT,
  createActiveStream,
  described,
  failure,
  getRecords,
  listShards,
  md5HashKey,
  present,
  readShard,
  readToTip,
  shardHolding,
  shardIterator,
  tilesHashKeySpace,
  waitForActive,
} from "./support/kinesis.js";
import { type Service, startService } from "./support/service.js";
import { waitFor } from "./support/wait.js";

const MAX_HASH_KEY = (1n << 128n) - 1n;
const ONE_MIB = 1024 * 1024;

let service: Service;
let kinesis: KinesisClient;

beforeAll(async () => {
  service = await startService();
  kinesis = kinesisClient(service.endpoint);
});

afterAll(async () => {
  kinesis?.destroy();
  await service?.stop();
});

/** One record as it was put, and what the service acknowledged. */
interface Put {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
  shardId: string;
  sequenceNumber: string;
  /** Date.now() before the request was sent, and after it was answered. */
  sentAt: number;
  answeredAt: number;
}

function base64(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString("base64");
}

function bySequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

describe("a 3-shard stream holding 600 records put through the SDK", () => {
  const stream = "round-trip";
  let shards: Shard[] = [];
  let batchAnswer: { failed: number | undefined; entries: number } = { failed: -1, entries: 0 };
  /** Every record put, in put order: first the PutRecords batch, then the PutRecord calls. */
  const puts: Put[] = [];

  beforeAll(async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 3 }));
    await waitForActive(kinesis, stream);
    shards = await listShards(kinesis, stream);

    // Hash keys on every shard boundary, and the ends of the space.
    const boundaries = shards.flatMap((s) => [
      present(s.HashKeyRange?.StartingHashKey, "StartingHashKey"),
      present(s.HashKeyRange?.EndingHashKey, "EndingHashKey"),
    ]);

    // 500 records in one PutRecords: repeated, Unicode and explicit keys,
    // data from 0 bytes to a few KiB.
    const batch = Array.from({ length: 500 }, (_, i) => {
      const partitionKey = i % 3 === 0 ? `user-${i % 40}` : i % 3 === 1 ? `ключ-${i}-🔑` : `p${i}`;
      const explicitHashKey = i % 25 === 0 ? boundaries[(i / 25) % boundaries.length] : undefined;
      const data = randomBytes(i === 7 ? 0 : (i * 37) % 4096);
      return { partitionKey, explicitHashKey, data };
    });
    const sentAt = Date.now();
    const answer = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: batch.map(
          ({ partitionKey, explicitHashKey, data }): PutRecordsRequestEntry =>
            explicitHashKey === undefined
              ? { PartitionKey: partitionKey, Data: data }
              : { PartitionKey: partitionKey, Data: data, ExplicitHashKey: explicitHashKey },
        ),
      }),
    );
    const answeredAt = Date.now();
    const entries = answer.Records ?? [];
    batchAnswer = { failed: answer.FailedRecordCount, entries: entries.length };
    batch.forEach((record, i) => {
      const entry = entries[i];
      puts.push({
        ...record,
        shardId: entry?.ShardId ?? "",
        sequenceNumber: entry?.SequenceNumber ?? "",
        sentAt,
        answeredAt,
      });
    });

    // 100 records one PutRecord at a time, each with its own partition key;
    // every tenth with a random ExplicitHashKey.
    for (let i = 0; i < 100; i++) {
      const partitionKey = `single-${i}`;
      const explicitHashKey =
        i % 10 === 0 ? BigInt(`0x${randomBytes(16).toString("hex")}`).toString() : undefined;
      const data = randomBytes(1 + ((i * 101) % 2048));
      const sentAt = Date.now();
      const { ShardId, SequenceNumber } = await kinesis.send(
        new PutRecordCommand({
          StreamName: stream,
          PartitionKey: partitionKey,
          Data: data,
          ...(explicitHashKey === undefined ? {} : { ExplicitHashKey: explicitHashKey }),
        }),
      );
      puts.push({
        partitionKey,
        ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
        data,
        shardId: ShardId ?? "",
        sequenceNumber: SequenceNumber ?? "",
        sentAt,
        answeredAt: Date.now(),
      });
    }
  });

  /** The records put to one shard, in put order. */
  function putsTo(shardId: string): Put[] {
    return puts.filter((p) => p.shardId === shardId);
  }

  it("is ACTIVE with 3 shards that cover the hash key space without gaps", async () => {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream }),
    );
    expect(StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
    expect(StreamDescriptionSummary?.OpenShardCount).toBe(3);
    expect(shards.map((s) => s.ShardId)).toEqual([
      "shardId-000000000000",
      "shardId-000000000001",
      "shardId-000000000002",
    ]);
    expect(tilesHashKeySpace(shards)).toBe(true);
  });

  it("acknowledges all 500 records of the PutRecords batch, in request order", () => {
    expect(batchAnswer).toEqual({ failed: 0, entries: 500 });
    const shardIds = new Set(shards.map((s) => s.ShardId));
    for (const put of puts.slice(0, 500)) {
      expect(shardIds.has(put.shardId), put.shardId).toBe(true);
      expect(put.sequenceNumber).toMatch(/^\d{1,128}$/);
    }
    // Request order: within each shard the batch's entries got rising numbers.
    for (const shard of shardIds) {
      const numbers = puts
        .slice(0, 500)
        .filter((p) => p.shardId === shard)
        .map((p) => p.sequenceNumber);
      expect(numbers).toEqual([...numbers].sort(bySequence));
    }
  });

  it("acknowledges every PutRecord with a shard and a sequence number", () => {
    const shardIds = new Set(shards.map((s) => s.ShardId));
    for (const put of puts.slice(500)) {
      expect(shardIds.has(put.shardId), put.shardId).toBe(true);
      expect(put.sequenceNumber).toMatch(/^\d{1,128}$/);
    }
  });

  it("gives every record a sequence number unique in the stream", () => {
    expect(new Set(puts.map((p) => p.sequenceNumber)).size).toBe(600);
  });

  it("routes each record to the shard holding the MD5 of its partition key, or its ExplicitHashKey", () => {
    const routed = puts.map((p) => ({
      partitionKey: p.partitionKey,
      explicitHashKey: p.explicitHashKey,
      shardId: p.shardId,
    }));
    const expected = puts.map((p) => ({
      partitionKey: p.partitionKey,
      explicitHashKey: p.explicitHashKey,
      shardId: shardHolding(
        shards,
        p.explicitHashKey === undefined ? md5HashKey(p.partitionKey) : BigInt(p.explicitHashKey),
      ),
    }));
    expect(routed).toEqual(expected);
    // Every shard got some of them, the explicit keys on the boundaries included.
    for (const shard of shards) {
      expect(putsTo(present(shard.ShardId, "ShardId")).length).toBeGreaterThan(50);
    }
  });

  it("reads every record back once from TRIM_HORIZON, per shard in put and sequence order, byte-exact", async () => {
    let total = 0;
    for (const shard of shards) {
      const shardId = present(shard.ShardId, "ShardId");
      const records = await readShard(kinesis, stream, shardId);
      const expected = putsTo(shardId);
      total += records.length;
      expect(
        records.map((r) => ({
          SequenceNumber: r.SequenceNumber,
          PartitionKey: r.PartitionKey,
          Data: base64(r.Data),
        })),
      ).toEqual(
        expected.map((p) => ({
          SequenceNumber: p.sequenceNumber,
          PartitionKey: p.partitionKey,
          Data: p.data.toString("base64"),
        })),
      );
      const numbers = records.map((r) => present(r.SequenceNumber, "SequenceNumber"));
      expect(numbers).toEqual([...numbers].sort(bySequence));
      records.forEach((record, i) => {
        const put = present(expected[i], "put");
        const arrival = record.ApproximateArrivalTimestamp;
        expect(arrival).toBeInstanceOf(Date);
        expect(arrival?.getTime()).toBeGreaterThanOrEqual(put.sentAt - 1_000);
        expect(arrival?.getTime()).toBeLessThanOrEqual(put.answeredAt + 1_000);
      });
    }
    expect(total).toBe(600);
  });

  /** A shard with plenty of records, and them in order. */
  function busiestShard(): { shardId: string; records: Put[] } {
    const [first] = [...shards]
      .map((s) => ({ shardId: present(s.ShardId, "ShardId") }))
      .map(({ shardId }) => ({ shardId, records: putsTo(shardId) }))
      .sort((a, b) => b.records.length - a.records.length);
    return present(first, "a shard");
  }

  it("starts an AT_SEQUENCE_NUMBER iterator exactly at that record", async () => {
    const { shardId, records } = busiestShard();
    const k = Math.floor(records.length / 2);
    const at = present(records[k], "record").sequenceNumber;
    const read = await readToTip(kinesis, await shardIterator(kinesis, stream, shardId, { at }));
    expect(read.map((r) => r.SequenceNumber)).toEqual(
      records.slice(k).map((p) => p.sequenceNumber),
    );
  });

  it("starts an AFTER_SEQUENCE_NUMBER iterator at the record after it", async () => {
    const { shardId, records } = busiestShard();
    const k = Math.floor(records.length / 3);
    const after = present(records[k], "record").sequenceNumber;
    const read = await readToTip(kinesis, await shardIterator(kinesis, stream, shardId, { after }));
    expect(read.map((r) => r.SequenceNumber)).toEqual(
      records.slice(k + 1).map((p) => p.sequenceNumber),
    );
    const last = present(records.at(-1), "record").sequenceNumber;
    const none = await readToTip(
      kinesis,
      await shardIterator(kinesis, stream, shardId, { after: last }),
    );
    expect(none).toEqual([]);
  });

  it("returns at most Limit records per GetRecords, and the rest on the next iterators", async () => {
    const { shardId, records } = busiestShard();
    const first = await getRecords(kinesis, await shardIterator(kinesis, stream, shardId), 7);
    expect(first.Records?.map((r) => r.SequenceNumber)).toEqual(
      records.slice(0, 7).map((p) => p.sequenceNumber),
    );
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const second = await getRecords(
      kinesis,
      present(first.NextShardIterator, "NextShardIterator"),
      1,
    );
    expect(second.Records?.map((r) => r.SequenceNumber)).toEqual([
      present(records[7], "record").sequenceNumber,
    ]);
    // Paging with Limit 50 reads the same records as one big read.
    const paged = await readToTip(kinesis, await shardIterator(kinesis, stream, shardId), 50);
    expect(paged.map((r) => r.SequenceNumber)).toEqual(records.map((p) => p.sequenceNumber));
  });

  it("refuses a sequence number of another shard with InvalidArgumentException", async () => {
    const fromShard1 = present(putsTo("shardId-000000000001")[0], "record").sequenceNumber;
    const error = await failure(
      shardIterator(kinesis, stream, "shardId-000000000000", { at: fromShard1 }),
    );
    expect(described(error)).toEqual({
      name: "InvalidArgumentException",
      message:
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000",
      status: 400,
    });
  });

  it("refuses an unknown shard with ResourceNotFoundException", async () => {
    const error = await failure(shardIterator(kinesis, stream, "shardId-000000000009"));
    expect(described(error)).toEqual({
      name: "ResourceNotFoundException",
      message: `Shard shardId-000000000009 in stream ${stream} under account ${ACCOUNT} does not exist`,
      status: 400,
    });
  });

  it("refuses a garbage or altered iterator with InvalidArgumentException", async () => {
    const invalid = {
      name: "InvalidArgumentException",
      message: "Invalid ShardIterator.",
      status: 400,
    };
    expect(described(await failure(getRecords(kinesis, "garbage")))).toEqual(invalid);

    const real = await shardIterator(kinesis, stream, "shardId-000000000000");
    const bytes = Buffer.from(real, "base64");
    // Move the position (bytes 9..16 of the layout) and keep the MAC.
    bytes[16] = (bytes[16] ?? 0) ^ 1;
    const altered = bytes.toString("base64");
    expect(altered).not.toBe(real);
    expect(described(await failure(getRecords(kinesis, altered)))).toEqual(invalid);
  });
});

describe("iterators that depend on when records arrive", () => {
  it("LATEST sees nothing of what came before, then exactly the next record", async () => {
    const stream = "latest";
    await createActiveStream(kinesis, stream, 1);
    const shardId = "shardId-000000000000";
    for (const key of ["a", "b", "c"]) {
      await kinesis.send(
        new PutRecordCommand({ StreamName: stream, PartitionKey: key, Data: randomBytes(10) }),
      );
    }
    const latest = await shardIterator(kinesis, stream, shardId, "LATEST");
    const empty = await getRecords(kinesis, latest);
    expect(empty.Records).toEqual([]);
    expect(empty.MillisBehindLatest).toBe(0);

    const data = randomBytes(33);
    const { SequenceNumber } = await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: "d", Data: data }),
    );
    const read = await readToTip(kinesis, present(empty.NextShardIterator, "NextShardIterator"));
    expect(read.map((r) => [r.SequenceNumber, r.PartitionKey, base64(r.Data)])).toEqual([
      [SequenceNumber, "d", data.toString("base64")],
    ]);
  });

  it("AT_TIMESTAMP taken between two puts returns only the later records", async () => {
    const stream = "at-timestamp";
    await createActiveStream(kinesis, stream, 1);
    const shardId = "shardId-000000000000";
    const put = (keys: string[]) =>
      kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from(k) })),
        }),
      );

    await put(["early-1", "early-2"]);
    const early = await readShard(kinesis, stream, shardId);
    const firstArrival = present(early.at(-1)?.ApproximateArrivalTimestamp, "arrival").getTime();
    const between = await waitFor(
      async () => {
        const now = Date.now();
        return now > firstArrival ? new Date(now) : undefined;
      },
      { timeoutMs: 2_000, intervalMs: 1 },
    );
    await put(["late-1", "late-2", "late-3"]);

    const fromBetween = await readToTip(
      kinesis,
      await shardIterator(kinesis, stream, shardId, { timestamp: between }),
    );
    expect(fromBetween.map((r) => r.PartitionKey)).toEqual(["late-1", "late-2", "late-3"]);
    for (const record of fromBetween) {
      expect(record.ApproximateArrivalTimestamp?.getTime()).toBeGreaterThanOrEqual(
        between.getTime(),
      );
    }

    const fromFirst = await readToTip(
      kinesis,
      await shardIterator(kinesis, stream, shardId, { timestamp: new Date(firstArrival) }),
    );
    expect(fromFirst.map((r) => r.PartitionKey)).toEqual([
      "early-1",
      "early-2",
      "late-1",
      "late-2",
      "late-3",
    ]);
  });
});

describe("record size", () => {
  it("round-trips a 1 MiB record byte-exact and refuses one byte more with ValidationException", async () => {
    const stream = "big-records";
    await createActiveStream(kinesis, stream, 1);
    const data = randomBytes(ONE_MIB);
    const { SequenceNumber } = await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: "big", Data: data }),
    );

    const tooBig = await failure(
      kinesis.send(
        new PutRecordCommand({
          StreamName: stream,
          PartitionKey: "bigger",
          Data: randomBytes(ONE_MIB + 1),
        }),
      ),
    );
    expect(described(tooBig)).toEqual({
      name: "ValidationException",
      message:
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      status: 400,
    });

    const read = await readShard(kinesis, stream, "shardId-000000000000");
    expect(read.map((r) => r.SequenceNumber)).toEqual([SequenceNumber]);
    const got = Buffer.from(present(read[0]?.Data, "Data"));
    expect(got.length).toBe(ONE_MIB);
    expect(got.equals(data)).toBe(true);
  });
  it("round-trips a 5 MiB record on a stream created with MaxRecordSizeInKiB 10240", async () => {
    const stream = "huge-records";
    await kinesis.send(
      new CreateStreamCommand({ StreamName: stream, ShardCount: 1, MaxRecordSizeInKiB: 10240 }),
    );
    await waitForActive(kinesis, stream);
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream }),
    );
    expect(StreamDescriptionSummary?.MaxRecordSizeInKiB).toBe(10240);
    // Past SQLite's 2 MB row cap, so the shard stores it in chunks.
    const data = randomBytes(5 * ONE_MIB + 3);
    await kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: "huge", Data: data }),
    );
    const read = await readShard(kinesis, stream, "shardId-000000000000");
    expect(read).toHaveLength(1);
    const got = Buffer.from(present(read[0]?.Data, "Data"));
    expect(got.length).toBe(data.length);
    expect(got.equals(data)).toBe(true);
  });
});

describe("errors the SDK sees", () => {
  it("names a stream that does not exist with ResourceNotFoundException", async () => {
    const notFound = {
      name: "ResourceNotFoundException",
      message: `Stream no-such-stream under account ${ACCOUNT} not found.`,
      status: 400,
    };
    const describeError = await failure(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "no-such-stream" })),
    );
    expect(describeError).toBeInstanceOf(ResourceNotFoundException);
    expect(described(describeError)).toEqual(notFound);
    const putError = await failure(
      kinesis.send(
        new PutRecordCommand({
          StreamName: "no-such-stream",
          PartitionKey: "k",
          Data: Buffer.from("x"),
        }),
      ),
    );
    expect(described(putError)).toEqual(notFound);
  });

  it("refuses an invalid stream name with ValidationException", async () => {
    const error = await failure(
      kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "not a valid name!" })),
    );
    expect(described(error)).toEqual({
      name: "ValidationException",
      message:
        "1 validation error detected: Value 'not a valid name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      status: 400,
    });
  });

  it("refuses to create a stream that exists with ResourceInUseException", async () => {
    const stream = "created-twice";
    await createActiveStream(kinesis, stream, 1);
    const error = await failure(
      kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 })),
    );
    expect(described(error)).toEqual({
      name: "ResourceInUseException",
      message: `Stream ${stream} under account ${ACCOUNT} already exists.`,
      status: 400,
    });
    // The first stream is untouched.
    expect(await listShards(kinesis, stream)).toHaveLength(1);
  });
});

describe("a deleted and recreated stream", () => {
  it("keeps nothing of the old stream: data, iterators and sequence numbers", async () => {
    const stream = "phoenix";
    await createActiveStream(kinesis, stream, 3);
    const old = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 30 }, (_, i) => ({
          PartitionKey: `old-${i}`,
          Data: Buffer.from(`old record ${i}`),
        })),
      }),
    );
    expect(old.FailedRecordCount).toBe(0);
    const oldOnShard0 = present(
      old.Records?.find((r) => r.ShardId === "shardId-000000000000")?.SequenceNumber,
      "an old record on shard 0",
    );
    const oldIterators = await Promise.all(
      ["shardId-000000000000", "shardId-000000000002"].map((shardId) =>
        shardIterator(kinesis, stream, shardId, "TRIM_HORIZON"),
      ),
    );

    await kinesis.send(new DeleteStreamCommand({ StreamName: stream }));
    const gone = await waitFor(
      async () => {
        const error = await failure(
          kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream })),
        );
        return error.name === "ResourceNotFoundException" ? error : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 25 },
    );
    expect(gone.message).toBe(`Stream ${stream} under account ${ACCOUNT} not found.`);

    await createActiveStream(kinesis, stream, 2);
    const shards = await listShards(kinesis, stream);
    expect(shards.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001"]);
    const fresh = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 10 }, (_, i) => ({
          PartitionKey: `new-${i}`,
          Data: Buffer.from(`new record ${i}`),
        })),
      }),
    );
    expect(fresh.FailedRecordCount).toBe(0);

    const everything: string[] = [];
    for (const shard of shards) {
      const records = await readShard(kinesis, stream, present(shard.ShardId, "ShardId"));
      everything.push(...records.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString()));
    }
    expect(everything.sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `new record ${i}`).sort(),
    );

    // Iterators of the old stream name shards of the old incarnation, which are gone,
    // whether or not the new stream has a shard of the same id.
    const [oldIterator0, oldIterator2] = oldIterators;
    for (const [shardId, iterator] of [
      ["shardId-000000000000", oldIterator0],
      ["shardId-000000000002", oldIterator2],
    ] as const) {
      const error = await failure(getRecords(kinesis, present(iterator, "old iterator")));
      expect(described(error)).toEqual({
        name: "ResourceNotFoundException",
        message: `Shard ${shardId} in stream ${stream} under account ${ACCOUNT} does not exist`,
        status: 400,
      });
    }

    const oldNumber = await failure(
      shardIterator(kinesis, stream, "shardId-000000000000", { at: oldOnShard0 }),
    );
    expect(described(oldNumber)).toEqual({
      name: "InvalidArgumentException",
      message: `StartingSequenceNumber ${oldOnShard0} used in GetShardIterator on shard shardId-000000000000 in stream ${stream} under account ${ACCOUNT} is invalid because it did not come from this stream.`,
      status: 400,
    });
  });
});

describe("stream ARNs", () => {
  it("work in place of StreamName for PutRecord, GetShardIterator, DescribeStreamSummary and ListShards", async () => {
    const stream = "by-arn";
    await createActiveStream(kinesis, stream, 2);
    const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${stream}`;

    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamARN: arn }),
    );
    expect(StreamDescriptionSummary?.StreamName).toBe(stream);
    expect(StreamDescriptionSummary?.StreamARN).toBe(arn);
    expect(StreamDescriptionSummary?.OpenShardCount).toBe(2);

    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamARN: arn }));
    expect(Shards?.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001"]);

    const data = randomBytes(64);
    const { ShardId, SequenceNumber } = await kinesis.send(
      new PutRecordCommand({ StreamARN: arn, PartitionKey: "arn-key", Data: data }),
    );
    expect(ShardId).toBe(shardHolding(Shards ?? [], md5HashKey("arn-key")));

    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamARN: arn,
        ShardId,
        ShardIteratorType: "AT_SEQUENCE_NUMBER",
        StartingSequenceNumber: SequenceNumber,
      }),
    );
    const { Records } = await kinesis.send(
      new GetRecordsCommand({ StreamARN: arn, ShardIterator, Limit: 1 }),
    );
    expect(Records?.map((r) => [r.SequenceNumber, r.PartitionKey, base64(r.Data)])).toEqual([
      [SequenceNumber, "arn-key", data.toString("base64")],
    ]);
  });
});

describe("ListStreams and CreateStream modes", () => {
  it("pages through every stream with Limit and NextToken", async () => {
    for (const name of ["page-a", "page-b", "page-c", "page-d", "page-e"]) {
      await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    }
    const all = await kinesis.send(new ListStreamsCommand({}));
    const names = present(all.StreamNames, "StreamNames");
    expect(all.HasMoreStreams).toBe(false);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(["page-a", "page-b", "page-c", "page-d", "page-e"]),
    );

    const paged: string[] = [];
    let page = await kinesis.send(new ListStreamsCommand({ Limit: 2 }));
    for (let pages = 1; ; pages++) {
      expect(pages).toBeLessThanOrEqual(names.length);
      const pageNames = page.StreamNames ?? [];
      expect(pageNames.length).toBeLessThanOrEqual(2);
      expect(page.StreamSummaries?.map((s) => s.StreamName)).toEqual(pageNames);
      paged.push(...pageNames);
      if (!page.HasMoreStreams) {
        expect(page.NextToken).toBeUndefined();
        break;
      }
      expect(pageNames).toHaveLength(2);
      page = await kinesis.send(
        new ListStreamsCommand({ NextToken: present(page.NextToken, "NextToken"), Limit: 2 }),
      );
    }
    expect(paged).toEqual(names);
  });

  it("creates an ON_DEMAND stream with 4 shards", async () => {
    const stream = "on-demand";
    await kinesis.send(
      new CreateStreamCommand({
        StreamName: stream,
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
      }),
    );
    await waitForActive(kinesis, stream);
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream }),
    );
    expect(StreamDescriptionSummary?.StreamModeDetails?.StreamMode).toBe("ON_DEMAND");
    expect(StreamDescriptionSummary?.OpenShardCount).toBe(4);
    const shards = await listShards(kinesis, stream);
    expect(shards).toHaveLength(4);
    expect(shards.at(-1)?.HashKeyRange?.EndingHashKey).toBe(MAX_HASH_KEY.toString());
  });
});
