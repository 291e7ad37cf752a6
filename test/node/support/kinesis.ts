/**
 * Small helpers for driving the service with the real AWS SDK in the
 * end-to-end tests: waiting for a stream, reading a shard to its tip, and
 * catching the error a request fails with.
 */
import { createHash } from "node:crypto";
import {
  type _Record,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  type Shard,
} from "@aws-sdk/client-kinesis";
import { waitFor } from "./wait.js";

/** The account the service answers for by default (wrangler.toml's ACCOUNT_ID). */
export const ACCOUNT = "000000000000";

/**
 * The error a request fails with, as the SDK surfaces it. Fails the test if
 * the request succeeds or fails with something that is not a service error.
 */
export async function failure(request: Promise<unknown>): Promise<KinesisServiceException> {
  let outcome: unknown;
  try {
    outcome = await request;
  } catch (error) {
    if (error instanceof KinesisServiceException) {
      return error;
    }
    throw new Error(`expected a Kinesis service error, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected the request to fail, but it answered ${JSON.stringify(outcome)}`);
}

/** What a test checks of a service error: the SDK's name, the message and the HTTP status. */
export function described(error: KinesisServiceException): {
  name: string;
  message: string;
  status: number | undefined;
} {
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
}

/** Waits until DescribeStreamSummary reports the stream ACTIVE. */
export async function waitForActive(client: KinesisClient, name: string): Promise<void> {
  await waitFor(
    async () => {
      const { StreamDescriptionSummary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      return StreamDescriptionSummary?.StreamStatus === "ACTIVE" ? true : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 25 },
  );
}

/** Creates a PROVISIONED stream and waits until it is ACTIVE. */
export async function createActiveStream(
  client: KinesisClient,
  name: string,
  shardCount: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  await waitForActive(client, name);
}

/** Every shard of a stream, through ListShards. */
export async function listShards(client: KinesisClient, name: string): Promise<Shard[]> {
  const { Shards, NextToken } = await client.send(new ListShardsCommand({ StreamName: name }));
  if (NextToken !== undefined) {
    throw new Error(`ListShards of ${name} has more than one page`);
  }
  return Shards ?? [];
}

/** A stream's open shards, lowest hash keys first. */
export async function openShardsInOrder(client: KinesisClient, name: string): Promise<Shard[]> {
  const start = (s: Shard) => BigInt(s.HashKeyRange?.StartingHashKey ?? 0);
  return (await listShards(client, name))
    .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
    .sort((a, b) => (start(a) < start(b) ? -1 : 1));
}

/** The shard whose [StartingHashKey, EndingHashKey] holds `hashKey`. */
export function shardHolding(shards: readonly Shard[], hashKey: bigint): string | undefined {
  return shards.find((shard) => {
    const range = shard.HashKeyRange;
    return (
      range?.StartingHashKey !== undefined &&
      range.EndingHashKey !== undefined &&
      BigInt(range.StartingHashKey) <= hashKey &&
      hashKey <= BigInt(range.EndingHashKey)
    );
  })?.ShardId;
}

/** A partition key's hash key: its MD5 (of the UTF-8 bytes) as an unsigned 128-bit integer. */
export function md5HashKey(partitionKey: string): bigint {
  return BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);
}

/** One GetRecords call. */
export function getRecords(
  client: KinesisClient,
  iterator: string,
  limit?: number,
): Promise<GetRecordsCommandOutput> {
  return client.send(
    new GetRecordsCommand(
      limit === undefined ? { ShardIterator: iterator } : { ShardIterator: iterator, Limit: limit },
    ),
  );
}

/** An iterator of one of the types that need no parameter, or AT/AFTER a sequence number. */
export async function shardIterator(
  client: KinesisClient,
  stream: string,
  shardId: string,
  position:
    | "TRIM_HORIZON"
    | "LATEST"
    | { at: string }
    | { after: string }
    | { timestamp: Date } = "TRIM_HORIZON",
): Promise<string> {
  const base = { StreamName: stream, ShardId: shardId };
  const input =
    typeof position === "string"
      ? { ...base, ShardIteratorType: position }
      : "at" in position
        ? {
            ...base,
            ShardIteratorType: "AT_SEQUENCE_NUMBER" as const,
            StartingSequenceNumber: position.at,
          }
        : "after" in position
          ? {
              ...base,
              ShardIteratorType: "AFTER_SEQUENCE_NUMBER" as const,
              StartingSequenceNumber: position.after,
            }
          : { ...base, ShardIteratorType: "AT_TIMESTAMP" as const, Timestamp: position.timestamp };
  const { ShardIterator } = await client.send(new GetShardIteratorCommand(input));
  if (ShardIterator === undefined) {
    throw new Error(`GetShardIterator on ${stream}/${shardId} returned no iterator`);
  }
  return ShardIterator;
}

/**
 * Follows NextShardIterator from `iterator` until a read returns nothing and
 * MillisBehindLatest is 0, and returns every record read, in order.
 */
export async function readToTip(
  client: KinesisClient,
  iterator: string,
  limit?: number,
): Promise<_Record[]> {
  const records: _Record[] = [];
  let next: string | undefined = iterator;
  for (let calls = 0; next !== undefined; calls++) {
    if (calls > 1_000) {
      throw new Error("the shard did not reach its tip in 1000 GetRecords calls");
    }
    const page: GetRecordsCommandOutput = await getRecords(client, next, limit);
    const got = page.Records ?? [];
    records.push(...got);
    if (got.length === 0 && page.MillisBehindLatest === 0) {
      break;
    }
    next = page.NextShardIterator;
  }
  return records;
}

/** Every record of a shard from TRIM_HORIZON to its tip. */
export async function readShard(
  client: KinesisClient,
  stream: string,
  shardId: string,
): Promise<_Record[]> {
  return readToTip(client, await shardIterator(client, stream, shardId, "TRIM_HORIZON"));
}

/** A value the test cannot go on without. */
/**
 * Whether shards, in the order given, cover the hash key space [0, 2^128 - 1]
 * exactly: each starts one past where the one before it ends.
 */
export function tilesHashKeySpace(shards: readonly Shard[]): boolean {
  let next = 0n;
  for (const shard of shards) {
    if (BigInt(present(shard.HashKeyRange?.StartingHashKey, "StartingHashKey")) !== next) {
      return false;
    }
    next = BigInt(present(shard.HashKeyRange?.EndingHashKey, "EndingHashKey")) + 1n;
  }
  return next === 1n << 128n;
}

export function present<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) {
    throw new Error(`${what} is missing`);
  }
  return value;
}

/** A record read through a stream's lineage, with the shard it was read from. */
export interface LineageRecord {
  shardId: string;
  record: _Record;
}

/**
 * Reads a whole stream as a Kinesis consumer does: it starts at the shards
 * whose parents are not listed (the stream's roots), reads each from
 * TRIM_HORIZON, and moves on to the ChildShards a closed shard names at its
 * end, a child only once all of its parents are read. Open shards are read
 * until a page is empty and caught up.
 */
export async function readLineage(client: KinesisClient, stream: string): Promise<LineageRecord[]> {
  const listed = await listShards(client, stream);
  const known = new Set(listed.map((s) => s.ShardId));
  const parentsOf = new Map<string, string[]>();
  const ready: string[] = [];
  for (const shard of listed) {
    const id = shard.ShardId ?? "";
    const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
      (p): p is string => p !== undefined && known.has(p),
    );
    parentsOf.set(id, parents);
    if (parents.length === 0) ready.push(id);
  }
  const finished = new Set<string>();
  const started = new Set<string>();
  const out: LineageRecord[] = [];
  while (ready.length > 0) {
    const shardId = ready.shift() ?? "";
    if (started.has(shardId)) continue;
    started.add(shardId);
    let iterator: string | undefined = await shardIterator(client, stream, shardId);
    while (iterator !== undefined) {
      const page = await getRecords(client, iterator);
      for (const record of page.Records ?? []) out.push({ shardId, record });
      iterator = page.NextShardIterator;
      if (iterator === undefined) {
        finished.add(shardId);
        for (const child of page.ChildShards ?? []) {
          const id = child.ShardId ?? "";
          parentsOf.set(id, child.ParentShards ?? []);
          if ((child.ParentShards ?? []).every((p) => finished.has(p))) ready.push(id);
        }
      } else if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) {
        break;
      }
    }
  }
  return out;
}
