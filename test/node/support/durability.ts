/**
 * What the durability tests (persistence, crash-durability) share: producers
 * that write a mix of PutRecords and PutRecord and keep a ledger of every
 * record sent and what became of it, and the check that a stream read back
 * after a restart holds exactly what the ledger allows.
 *
 * Each record's data starts with a unique id and a ";", then random bytes, so
 * a record can be recognised wherever it turns up. A record's fate is one of:
 * - acknowledged: the service answered with its shard and sequence number; it
 *   must be stored there, exactly once, byte-exact;
 * - rejected: the service answered that it was not written (a throttled
 *   request, or an error entry in a PutRecords answer); it must not be stored;
 * - unknown: no answer came (the service died with the request in flight); it
 *   may be stored or not, but at most once.
 */
import { randomBytes } from "node:crypto";
import {
  type KinesisClient,
  KinesisServiceException,
  PutRecordCommand,
  type PutRecordCommandOutput,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type Shard,
} from "@aws-sdk/client-kinesis";
import {
  md5HashKey,
  present,
  readShard,
  readToTip,
  shardHolding,
  shardIterator,
} from "./kinesis.js";

/** Sorts sequence numbers as big integers, which is shard order. */
export function bySequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so a run's choices can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SentRecord {
  id: string;
  /** The producer that sent it; -1 for probes. */
  producer: number;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Uint8Array;
}

export interface AckedRecord {
  record: SentRecord;
  shardId: string;
  sequenceNumber: string;
  /** The run of the service that acknowledged it: 1 before the first restart, and so on. */
  cycle: number;
}

export interface StoredRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
}

/** Each shard's records in the order GetRecords returned them, by shard id. */
export type StreamContents = Map<string, StoredRecord[]>;

export interface ProducerError {
  producer: number;
  cycle: number;
  /** Whether the service had been killed (or was being stopped) when it happened. */
  expected: boolean;
  name: string;
  message: string;
}

/** Errors that mean "not now, try again": the records were not written. */
const THROTTLES = new Set(["ProvisionedThroughputExceededException", "LimitExceededException"]);
/** PutRecords takes at most 5 MiB; producers keep a request below this. */
const REQUEST_BYTES = 4 * 1024 * 1024;
const SEPARATOR = 0x3b; // ";"
const ascii = new TextDecoder("latin1");

export class Ledger {
  /** 1 until the first restart, then 2, ... */
  cycle = 1;
  /** Set when the service is about to be killed: errors from then on are expected. */
  stopping = false;
  readonly sent = new Map<string, SentRecord>();
  /** By id, in the order the acknowledgements came. */
  readonly acked = new Map<string, AckedRecord>();
  readonly rejected = new Set<string>();
  readonly unknown = new Set<string>();
  readonly errors: ProducerError[] = [];
  /** Producers that have not returned yet. */
  active = 0;
  /** The stream as read after each restart: [0] after the first, and so on. */
  readonly #snapshots: StreamContents[] = [];
  #serial = 0;

  /** Acknowledged in the current cycle. */
  ackedThisCycle(): number {
    let n = 0;
    for (const ack of this.acked.values()) {
      if (ack.cycle === this.cycle) n++;
    }
    return n;
  }

  /** Errors that happened while the service was meant to be up. */
  unexpectedErrors(): ProducerError[] {
    return this.errors.filter((e) => !e.expected);
  }

  /** A new record with a unique id and `extra` random bytes after it. */
  record(
    producer: number,
    partitionKey: (id: string) => string,
    extra: number,
    explicitHashKey?: string,
  ): SentRecord {
    const id = `c${this.cycle}-${producer < 0 ? "probe" : `p${producer}`}-${this.#serial++}`;
    const data = Buffer.concat([Buffer.from(`${id};`, "latin1"), randomBytes(extra)]);
    const record = { id, producer, partitionKey: partitionKey(id), explicitHashKey, data };
    this.sent.set(id, record);
    return record;
  }

  ack(record: SentRecord, shardId: string, sequenceNumber: string): void {
    this.acked.set(record.id, { record, shardId, sequenceNumber, cycle: this.cycle });
  }

  /** What the producer saw of a request that failed as a whole. */
  failed(producer: number, records: readonly SentRecord[], error: unknown): "retry" | "stop" {
    const name =
      error instanceof Error
        ? "code" in error && typeof error.code === "string"
          ? error.code
          : error.name
        : "non-error";
    const message = error instanceof Error ? error.message : String(error);
    const throttled = error instanceof KinesisServiceException && THROTTLES.has(error.name);
    for (const record of records) {
      (throttled ? this.rejected : this.unknown).add(record.id);
    }
    if (throttled) {
      return "retry";
    }
    this.errors.push({ producer, cycle: this.cycle, expected: this.stopping, name, message });
    return "stop";
  }

  /** Records the stream as read after a restart, and starts the next cycle. */
  restarted(contents: StreamContents): void {
    this.#snapshots.push(contents);
    this.cycle++;
    this.stopping = false;
  }

  /** The newest sequence number of each shard as read after the restart that began `cycle`. */
  newestBefore(cycle: number): Map<string, string> {
    const newest = new Map<string, string>();
    const snapshot = this.#snapshots[cycle - 2];
    for (const [shardId, records] of snapshot ?? []) {
      const last = records.at(-1);
      if (last !== undefined) newest.set(shardId, last.sequenceNumber);
    }
    return newest;
  }

  /**
   * Everything wrong with the stream as read now, in words; empty when it
   * holds exactly what the ledger allows. `extra` counts the stored records
   * whose fate was unknown.
   */
  check(contents: StreamContents, shards: readonly Shard[]): { problems: string[]; extra: number } {
    const problems = new Problems();
    const where = new Map<string, string>();
    let extra = 0;
    for (const [shardId, records] of contents) {
      let previous: StoredRecord | undefined;
      for (const stored of records) {
        const at = `${shardId} ${stored.sequenceNumber}`;
        if (
          previous !== undefined &&
          bySequence(previous.sequenceNumber, stored.sequenceNumber) >= 0
        ) {
          problems.add("out of order", `${at}: after ${previous.sequenceNumber}`);
        }
        previous = stored;
        const id = idOf(stored.data);
        const sent = id === undefined ? undefined : this.sent.get(id);
        if (id === undefined || sent === undefined) {
          problems.add("nobody sent it", `${at}: ${preview(stored.data)}`);
          continue;
        }
        const first = where.get(id);
        if (first !== undefined) {
          problems.add("stored twice", `${id}: at ${first} and at ${at}`);
          continue;
        }
        where.set(id, at);
        if (!Buffer.from(stored.data).equals(sent.data)) {
          problems.add("data differs", `${id} at ${at}: ${preview(stored.data)}`);
        }
        if (stored.partitionKey !== sent.partitionKey) {
          problems.add(
            "partition key differs",
            `${id} at ${at}: ${stored.partitionKey} for ${sent.partitionKey}`,
          );
        }
        const hashKey =
          sent.explicitHashKey !== undefined
            ? BigInt(sent.explicitHashKey)
            : md5HashKey(sent.partitionKey);
        const owner = shardHolding(shards, hashKey);
        if (owner !== shardId) {
          problems.add("wrong shard", `${id} at ${at}: its hash key is ${String(owner)}'s`);
        }
        const ack = this.acked.get(id);
        if (ack !== undefined) {
          if (ack.shardId !== shardId || ack.sequenceNumber !== stored.sequenceNumber) {
            problems.add(
              "stored elsewhere than acknowledged",
              `${id}: acknowledged as ${ack.shardId} ${ack.sequenceNumber}, stored at ${at}`,
            );
          }
        } else if (this.rejected.has(id)) {
          problems.add("rejected, yet stored", `${id} at ${at}`);
        } else if (this.unknown.has(id)) {
          extra++;
        } else {
          problems.add("stored before its request ended", `${id} at ${at}`);
        }
      }
    }

    for (const [id, ack] of this.acked) {
      if (!where.has(id)) {
        problems.add(
          "acknowledged, missing",
          `${id}: acknowledged in cycle ${ack.cycle} as ${ack.shardId} ${ack.sequenceNumber}`,
        );
      }
    }

    // One producer's acknowledged records rise in sequence within a shard.
    const lastOf = new Map<string, AckedRecord>();
    for (const ack of this.acked.values()) {
      const key = `${ack.record.producer} ${ack.shardId}`;
      const last = lastOf.get(key);
      if (last !== undefined && bySequence(last.sequenceNumber, ack.sequenceNumber) >= 0) {
        problems.add(
          "acknowledged out of order",
          `${ack.record.id}: ${ack.sequenceNumber}, not after ${last.record.id}'s ${last.sequenceNumber}`,
        );
      }
      lastOf.set(key, ack);
    }

    // What a restart showed stays: each earlier reading is a prefix of this one.
    this.#snapshots.forEach((snapshot, i) => {
      for (const [shardId, before] of snapshot) {
        const now = contents.get(shardId) ?? [];
        const changed = before.findIndex(
          (b, j) =>
            now[j]?.sequenceNumber !== b.sequenceNumber ||
            !Buffer.from(present(now[j], "record").data).equals(b.data),
        );
        if (changed >= 0) {
          problems.add(
            "an earlier reading is gone or changed",
            `${shardId}: ${before[changed]?.sequenceNumber}, read after restart ${i + 1}`,
          );
        }
      }
    });

    // Writes after a restart are numbered above everything the shard held.
    const newestBefore = new Map<number, Map<string, string>>();
    for (const ack of this.acked.values()) {
      const byShard = newestBefore.get(ack.cycle) ?? this.newestBefore(ack.cycle);
      newestBefore.set(ack.cycle, byShard);
      const newest = byShard.get(ack.shardId);
      if (newest !== undefined && bySequence(ack.sequenceNumber, newest) <= 0) {
        problems.add(
          "numbered below an earlier record",
          `${ack.record.id}: acknowledged after restart ${ack.cycle - 1} as ${ack.sequenceNumber}, not above ${newest}`,
        );
      }
    }
    return { problems: problems.summary(), extra };
  }
}

/** Problems by kind, summarized so that a failure stays readable. */
class Problems {
  readonly #byKind = new Map<string, string[]>();

  add(kind: string, detail: string): void {
    const list = this.#byKind.get(kind) ?? [];
    list.push(detail);
    this.#byKind.set(kind, list);
  }

  /** Empty if there were none; else a count by kind, then up to 8 examples of each. */
  summary(): string[] {
    if (this.#byKind.size === 0) return [];
    const counts = [...this.#byKind].map(([kind, list]) => `${list.length} ${kind}`);
    const lines = [`problems: ${counts.join(", ")}`];
    for (const [kind, list] of this.#byKind) {
      lines.push(...list.slice(0, 8).map((detail) => `${kind}: ${detail}`));
      if (list.length > 8) lines.push(`${kind}: ... and ${list.length - 8} more`);
    }
    return lines;
  }
}

function idOf(data: Uint8Array): string | undefined {
  const end = data.indexOf(SEPARATOR);
  return end < 0 ? undefined : ascii.decode(data.subarray(0, end));
}

function preview(data: Uint8Array): string {
  return `${data.byteLength} bytes: ${Buffer.from(data.subarray(0, 24)).toString("hex")}`;
}

export interface ProducerOptions {
  client: KinesisClient;
  stream: string;
  producer: number;
  ledger: Ledger;
  random: () => number;
  /** Stop after this many requests; without it, go on until a request fails. */
  requests?: number;
}

/**
 * One producer: one request at a time, each a PutRecord or a PutRecords of 1
 * to 200 records (mostly small ones), with data of 0 to 64 KiB after the id
 * (mostly small), partition keys shared, unique or non-ASCII, and now and then
 * an ExplicitHashKey. Throttled requests are retried with new records; any
 * other failure ends the producer (and is in `ledger.errors`).
 */
export async function produce(options: ProducerOptions): Promise<void> {
  const { client, stream, producer, ledger, random } = options;
  const pick = (n: number) => Math.floor(random() * n);
  const partitionKey = (id: string) => {
    const roll = random();
    return roll < 0.5 ? `key-${pick(32)}` : roll < 0.9 ? id : `ключ-${pick(8)}-😀`;
  };
  const newRecord = (budget: number) => {
    const roll = random();
    const size =
      roll < 0.8 ? pick(257) : roll < 0.98 ? 256 + pick(3841) : 4096 + pick(64 * 1024 - 4096);
    const explicit =
      random() < 0.05 ? BigInt(`0x${randomBytes(16).toString("hex")}`).toString() : undefined;
    return ledger.record(producer, partitionKey, Math.min(size, budget), explicit);
  };

  ledger.active++;
  try {
    for (let n = 0; options.requests === undefined || n < options.requests; n++) {
      if (random() < 0.25) {
        const record = newRecord(REQUEST_BYTES);
        try {
          const answer = await client.send(
            new PutRecordCommand({
              StreamName: stream,
              PartitionKey: record.partitionKey,
              ExplicitHashKey: record.explicitHashKey,
              Data: record.data,
            }),
          );
          ledger.ack(
            record,
            present(answer.ShardId, "ShardId"),
            present(answer.SequenceNumber, "SequenceNumber"),
          );
        } catch (error) {
          if (ledger.failed(producer, [record], error) === "stop") return;
        }
        continue;
      }

      const count = 1 + Math.floor(random() ** 2 * 200);
      const records: SentRecord[] = [];
      for (let i = 0; i < count; i++) {
        const record = newRecord(Math.max(0, REQUEST_BYTES / count - 512));
        records.push(record);
      }
      const entries: PutRecordsRequestEntry[] = records.map((r) => ({
        PartitionKey: r.partitionKey,
        ExplicitHashKey: r.explicitHashKey,
        Data: r.data,
      }));
      try {
        const answer = await client.send(
          new PutRecordsCommand({ StreamName: stream, Records: entries }),
        );
        const results = answer.Records ?? [];
        if (results.length !== records.length) {
          throw new Error(`PutRecords answered ${results.length} entries for ${records.length}`);
        }
        results.forEach((entry, i) => {
          const record = present(records[i], "record");
          if (entry.ShardId !== undefined && entry.SequenceNumber !== undefined) {
            ledger.ack(record, entry.ShardId, entry.SequenceNumber);
          } else {
            ledger.rejected.add(record.id);
            if (!THROTTLES.has(entry.ErrorCode ?? "")) {
              ledger.errors.push({
                producer,
                cycle: ledger.cycle,
                expected: ledger.stopping,
                name: `entry ${String(entry.ErrorCode)}`,
                message: String(entry.ErrorMessage),
              });
            }
          }
        });
      } catch (error) {
        if (ledger.failed(producer, records, error) === "stop") return;
      }
    }
  } finally {
    ledger.active--;
  }
}

/** Reads every shard from TRIM_HORIZON to its tip. */
export async function readStream(
  client: KinesisClient,
  stream: string,
  shards: readonly Shard[],
): Promise<StreamContents> {
  const contents: StreamContents = new Map();
  for (const shard of shards) {
    const shardId = present(shard.ShardId, "ShardId");
    const records = await readShard(client, stream, shardId);
    contents.set(
      shardId,
      records.map((r) => ({
        shardId,
        sequenceNumber: present(r.SequenceNumber, "SequenceNumber"),
        partitionKey: present(r.PartitionKey, "PartitionKey"),
        data: r.Data ?? new Uint8Array(),
      })),
    );
  }
  return contents;
}

/**
 * Writes one record to each shard (an ExplicitHashKey at the start of its
 * range) and reads it back from its sequence number; the acknowledgements go
 * into the ledger. Returns what went wrong: a record in the wrong shard, a
 * sequence number not above the shard's newest before the latest restart, or
 * a record that does not read back.
 */
export async function probeEveryShard(
  client: KinesisClient,
  stream: string,
  shards: readonly Shard[],
  ledger: Ledger,
): Promise<string[]> {
  const problems: string[] = [];
  const newest = ledger.newestBefore(ledger.cycle);
  for (const shard of shards) {
    const shardId = present(shard.ShardId, "ShardId");
    const record = ledger.record(
      -1,
      () => "probe",
      16,
      present(shard.HashKeyRange?.StartingHashKey, "StartingHashKey"),
    );
    let answer: PutRecordCommandOutput;
    try {
      answer = await client.send(
        new PutRecordCommand({
          StreamName: stream,
          PartitionKey: record.partitionKey,
          ExplicitHashKey: record.explicitHashKey,
          Data: record.data,
        }),
      );
    } catch (error) {
      ledger.unknown.add(record.id);
      const name = error instanceof Error ? error.name : "non-error";
      const message = error instanceof Error ? error.message : String(error);
      problems.push(`probe of ${shardId}: PutRecord failed: ${name}: ${message}`);
      continue;
    }
    if (answer.ShardId !== shardId || answer.SequenceNumber === undefined) {
      ledger.unknown.add(record.id);
      problems.push(`probe of ${shardId}: answered ${answer.ShardId} ${answer.SequenceNumber}`);
      continue;
    }
    ledger.ack(record, shardId, answer.SequenceNumber);
    const before = newest.get(shardId);
    if (before !== undefined && bySequence(answer.SequenceNumber, before) <= 0) {
      problems.push(`probe of ${shardId}: ${answer.SequenceNumber} is not above ${before}`);
    }
    const read = await readToTip(
      client,
      await shardIterator(client, stream, shardId, { at: answer.SequenceNumber }),
    );
    if (read.length !== 1 || !Buffer.from(read[0]?.Data ?? []).equals(record.data)) {
      problems.push(
        `probe of ${shardId}: read back ${read.length} records from ${answer.SequenceNumber}`,
      );
    }
  }
  return problems;
}
