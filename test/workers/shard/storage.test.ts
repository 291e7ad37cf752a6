/**
 * The shard Durable Object on its own: its log in SQLite, its retention
 * alarm, and what it leaves behind when dropped. Each test builds a shard of
 * its own incarnation and talks to it over RPC, as the Worker does.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sequenceNumberFormatter } from "../../../src/kinesis/sequence-number.js";
import { parseIterator } from "../../../src/kinesis/shard-iterator.js";
import type { AppendEntry, ShardConfig } from "../../../worker/shard/contract.js";
import { recordsOf } from "../../../worker/shard/record-runs.js";
import { pack } from "../../../worker/shard/segment.js";
import type { Shard } from "../../../worker/shard/shard.js";
import { TEST_SEAM } from "../../../worker/test-seam.js";

const HOUR = 3_600_000;
const MiB = 1024 * 1024;
const encoder = new TextEncoder();

function hex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

/** A shard config of a new incarnation; `overrides` adjust it. */
function config(overrides: Partial<ShardConfig> = {}): ShardConfig {
  return {
    account: "000000000000",
    region: "us-east-1",
    streamName: "storage",
    incarnation: hex(16),
    epoch: Date.now(),
    shardId: "shardId-000000000003",
    shardIndex: 3,
    startingHashKey: "0",
    endingHashKey: "340282366920938463463374607431768211455",
    retentionHours: 24,
    iteratorKey: hex(32),
    createdAt: Date.now(),
    ...overrides,
  };
}

function stubOf(cfg: ShardConfig) {
  return env.SHARD.get(env.SHARD.idFromName(`${cfg.incarnation}/${cfg.shardId}`));
}

/** A new, initialised shard. */
async function shard(overrides: Partial<ShardConfig> = {}) {
  const cfg = config(overrides);
  const stub = stubOf(cfg);
  await stub.init(cfg);
  return { cfg, stub };
}

type Stub = ReturnType<typeof stubOf>;

/** The sequence number of a position, as the service lays them out. */
function sequenceNumber(cfg: ShardConfig, position: number): string {
  return `49${String(cfg.epoch).padStart(14, "0")}${String(cfg.shardIndex).padStart(10, "0")}${String(position).padStart(20, "0")}`;
}

const entry = (data: string | Uint8Array, partitionKey = "pk"): AppendEntry => ({
  key: encoder.encode(partitionKey),
  data: typeof data === "string" ? encoder.encode(data) : data,
});

async function append(stub: Stub, entries: AppendEntry[]): Promise<string[]> {
  const result = await stub.append(pack(entries));
  if (!("ok" in result)) throw new Error(`append answered ${JSON.stringify(result)}`);
  return result.ok.sequenceNumbers;
}

async function iterator(stub: Stub, request: Parameters<Shard["iterator"]>[0]): Promise<string> {
  const result = await stub.iterator(request);
  if (!("ok" in result)) throw new Error(`iterator answered ${JSON.stringify(result)}`);
  return result.ok;
}

/** A record as read back: the shard's runs unpacked the way GetRecords unpacks them. */
interface StoredRecord {
  sequenceNumber: string;
  arrival: number;
  partitionKey: string;
  data: Uint8Array;
}

async function read(
  stub: Stub,
  token: string,
  limit = 10_000,
): Promise<{ records: StoredRecord[]; nextIterator: string | null; millisBehindLatest: number }> {
  const reply = await stub.read(token, limit);
  if (!("ok" in reply)) throw new Error(`read answered ${JSON.stringify(reply)}`);
  const result = reply.ok;
  const format = sequenceNumberFormatter(result.epoch, parseIterator(token)?.shardIndex ?? -1);
  const records = recordsOf(result.runs, format).map((r) => ({
    sequenceNumber: r.SequenceNumber,
    arrival: r.ApproximateArrivalTimestamp.getTime(),
    partitionKey: r.PartitionKey,
    data: r.Data,
  }));
  return {
    records,
    nextIterator: result.nextIterator,
    millisBehindLatest: result.millisBehindLatest,
  };
}

const texts = (records: StoredRecord[]) => records.map((r) => new TextDecoder().decode(r.data));

function setClock(stub: Stub, now: number): Promise<void> {
  return runInDurableObject(stub, (instance: Shard) => {
    instance[TEST_SEAM].setClock(() => now);
  });
}

function alarmOf(stub: Stub): Promise<number | null> {
  return runInDurableObject(stub, (_instance: Shard, state) => state.storage.getAlarm());
}

/** Random bytes; getRandomValues fills at most 64 KiB at a time. */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536)
    crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

describe("Shard storage", () => {
  describe("before init", () => {
    it("answers every call as gone and keeps no storage", async () => {
      const cfg = config();
      const stub = stubOf(cfg);
      expect(await stub.append(pack([entry("x")]))).toEqual({ gone: true });
      expect(await stub.iterator({ type: "TRIM_HORIZON" })).toEqual({ gone: true });
      expect(await stub.read("AAAA", 10)).toEqual({ gone: true });
      expect(await stub.count()).toEqual({ ok: 0 });
      const tables = await runInDurableObject(stub, (_i: Shard, state) =>
        state.storage.sql
          .exec<{ name: string }>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'",
          )
          .toArray(),
      );
      expect(tables).toEqual([]);
    });
  });

  describe("append", () => {
    it("returns one strictly rising sequence number per record, in order", async () => {
      const { cfg, stub } = await shard();
      const first = await append(
        stub,
        Array.from({ length: 100 }, (_, i) => entry(`r${i}`)),
      );
      expect(first).toEqual(Array.from({ length: 100 }, (_, i) => sequenceNumber(cfg, i + 1)));
      const second = await append(stub, [entry("a"), entry("b")]);
      expect(second).toEqual([sequenceNumber(cfg, 101), sequenceNumber(cfg, 102)]);
      expect(await stub.count()).toEqual({ ok: 102 });
    });

    it("writes a batch all or nothing", async () => {
      const { cfg, stub } = await shard();
      await append(stub, [entry("before")]);
      // Three records of 600 KiB pack into three segments; the second INSERT
      // fails, after the first has been made.
      const broken = [0, 1, 2].map(() => entry(randomBytes(600 * 1024)));
      const outcome = await runInDurableObject(stub, async (instance: Shard, state) => {
        const sql = state.storage.sql;
        const exec = sql.exec.bind(sql);
        let inserts = 0;
        sql.exec = ((query: string, ...bindings: unknown[]) => {
          if (query.startsWith("INSERT INTO segments") && ++inserts === 2) {
            throw new Error("injected failure");
          }
          return exec(query, ...(bindings as SqlStorageValue[]));
        }) as typeof sql.exec;
        try {
          await instance.append(pack(broken));
          return "accepted";
        } catch (error) {
          return String(error);
        } finally {
          sql.exec = exec;
        }
      });
      expect(outcome).toMatch(/injected failure/);
      expect(await stub.count()).toEqual({ ok: 1 });
      // No position was used up by the failed batch.
      expect(await append(stub, [entry("after")])).toEqual([sequenceNumber(cfg, 2)]);
      const all = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }));
      expect(texts(all.records)).toEqual(["before", "after"]);
    });

    it("gives concurrent batches disjoint runs of positions", async () => {
      const { cfg, stub } = await shard();
      const batches = await Promise.all(
        Array.from({ length: 10 }, (_, b) =>
          append(
            stub,
            Array.from({ length: 10 }, (_, i) => entry(`${b}.${i}`)),
          ),
        ),
      );
      const positions = batches.flat().map((s) => Number(s.slice(-20)));
      expect(new Set(positions).size).toBe(100);
      expect([...positions].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      for (const batch of batches) {
        const run = batch.map((s) => Number(s.slice(-20)));
        expect(run).toEqual(Array.from({ length: 10 }, (_, i) => (run[0] ?? 0) + i));
      }
      // The log holds each batch contiguously, in the order of its sequence numbers.
      const all = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }));
      expect(all.records.map((r) => r.sequenceNumber)).toEqual(
        Array.from({ length: 100 }, (_, i) => sequenceNumber(cfg, i + 1)),
      );
    });

    it("keeps the partition key, and arrival times that never go back", async () => {
      const { stub } = await shard();
      const t = Date.now();
      await setClock(stub, t);
      await append(stub, [entry("a", "key-\u00e9")]);
      await setClock(stub, t - 60_000);
      await append(stub, [entry("b", "other")]);
      const all = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }));
      expect(all.records.map((r) => [r.partitionKey, r.arrival])).toEqual([
        ["key-\u00e9", t],
        ["other", t],
      ]);
    });
  });

  describe("records larger than a SQLite row", () => {
    it("stores them in chunks and returns them byte-exact", async () => {
      const { stub } = await shard();
      const sizes = [MiB, MiB + 1, 3 * MiB, 10 * MiB];
      const blobs = sizes.map(randomBytes);
      for (const blob of blobs) await append(stub, [entry(blob)]);

      const layout = await runInDurableObject(stub, (_i: Shard, state) =>
        state.storage.sql
          .exec<{ position: number; inline: number; chunks: number }>(
            `SELECT s.first_position AS position, s.body IS NOT NULL AS inline,
                    (SELECT COUNT(*) FROM segment_chunks c WHERE c.first_position = s.first_position) AS chunks
             FROM segments s ORDER BY s.first_position`,
          )
          .toArray(),
      );
      // Bodies up to 1.5 MiB stay in their row; larger ones go in 1.5 MiB chunks.
      expect(layout).toEqual([
        { position: 1, inline: 1, chunks: 0 },
        { position: 2, inline: 1, chunks: 0 },
        { position: 3, inline: 0, chunks: 3 },
        { position: 4, inline: 0, chunks: 7 },
      ]);

      // 1 + 1 + 3 MiB fit one read; the 10 MiB record needs a read of its own.
      const first = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }));
      expect(first.records.map((r) => r.data.byteLength)).toEqual([MiB, MiB + 1, 3 * MiB]);
      const second = await read(stub, first.nextIterator ?? "");
      expect(second.records.map((r) => r.data.byteLength)).toEqual([10 * MiB]);
      const got = [...first.records, ...second.records].map((r) => r.data);
      for (let i = 0; i < blobs.length; i++) {
        expect(await sha256(got[i] ?? new Uint8Array())).toBe(
          await sha256(blobs[i] ?? new Uint8Array()),
        );
      }
    });
  });

  describe("retention", () => {
    it("never returns expired records, trims them on the alarm, and never reuses their positions", async () => {
      const { cfg, stub } = await shard({ retentionHours: 1 });
      const t0 = Date.now();
      await setClock(stub, t0);
      const [s1] = await append(stub, [entry("old")]);
      expect(await alarmOf(stub)).toBe(t0 + HOUR);
      await setClock(stub, t0 + HOUR / 2);
      const [s2] = await append(stub, [entry("newer")]);
      // The first record's alarm still stands.
      expect(await alarmOf(stub)).toBe(t0 + HOUR);

      // Past the first record's retention, before any alarm: it is never returned.
      await setClock(stub, t0 + HOUR + 1);
      expect(await stub.count()).toEqual({ ok: 2 });
      const fromStart = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }));
      expect(fromStart.records.map((r) => r.sequenceNumber)).toEqual([s2]);
      const atFirst = await read(
        stub,
        await iterator(stub, { type: "AT_SEQUENCE_NUMBER", sequenceNumber: s1 ?? "" }),
      );
      expect(texts(atFirst.records)).toEqual(["newer"]);
      const byTime = await read(
        stub,
        await iterator(stub, { type: "AT_TIMESTAMP", timestamp: t0 - HOUR }),
      );
      expect(texts(byTime.records)).toEqual(["newer"]);

      // The alarm deletes it and waits for the next oldest record.
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect(await stub.count()).toEqual({ ok: 1 });
      expect(await alarmOf(stub)).toBe(t0 + HOUR / 2 + HOUR);

      // Once everything has expired, nothing is left and no alarm remains.
      await setClock(stub, t0 + 2 * HOUR);
      expect((await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }))).records).toEqual(
        [],
      );
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect(await stub.count()).toEqual({ ok: 0 });
      expect(await alarmOf(stub)).toBeNull();

      // Positions keep rising after the log emptied.
      const [s3] = await append(stub, [entry("fresh")]);
      expect(s3).toBe(sequenceNumber(cfg, 3));
      expect(BigInt(s3 ?? "0") > BigInt(s2 ?? "0")).toBe(true);
      expect(await alarmOf(stub)).toBe(t0 + 3 * HOUR);
      const latest = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }));
      expect(latest.records.map((r) => r.sequenceNumber)).toEqual([s3]);
    });

    it("trims chunked records with their chunks", async () => {
      const { stub } = await shard({ retentionHours: 1 });
      const t0 = Date.now();
      await setClock(stub, t0);
      await append(stub, [entry(randomBytes(3 * MiB))]);
      await setClock(stub, t0 + HOUR + 1);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const left = await runInDurableObject(stub, (_i: Shard, state) => ({
        segments: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM segments").one()
          .n,
        chunks: state.storage.sql
          .exec<{ n: number }>("SELECT COUNT(*) AS n FROM segment_chunks")
          .one().n,
      }));
      expect(left).toEqual({ segments: 0, chunks: 0 });
    });
  });

  describe("drop", () => {
    it("answers every later call as gone and leaves no storage behind", async () => {
      const { stub } = await shard();
      const token = await iterator(stub, { type: "TRIM_HORIZON" });
      await append(stub, [entry("small"), entry(randomBytes(2 * MiB))]);
      expect(await alarmOf(stub)).not.toBeNull();

      await stub.drop();
      expect(await stub.append(pack([entry("x")]))).toEqual({ gone: true });
      expect(await stub.iterator({ type: "LATEST" })).toEqual({ gone: true });
      expect(await stub.read(token, 10)).toEqual({ gone: true });
      expect(await stub.count()).toEqual({ ok: 0 });

      const leftovers = (s: Stub) =>
        runInDurableObject(s, async (_i: Shard, state) => ({
          tables: state.storage.sql
            .exec<{ name: string }>(
              "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE '_cf_%'",
            )
            .toArray()
            .map((row) => row.name),
          alarm: await state.storage.getAlarm(),
        }));
      expect(await leftovers(stub)).toEqual({ tables: [], alarm: null });

      // A fresh instance of the object, as after a restart, stays empty and gone.
      await evictDurableObject(stub);
      expect(await stub.read(token, 10)).toEqual({ gone: true });
      expect(await stub.append(pack([entry("x")]))).toEqual({ gone: true });
      expect(await leftovers(stub)).toEqual({ tables: [], alarm: null });
    });
  });

  describe("reopening", () => {
    it("keeps its position counter, records and iterator key across a restart", async () => {
      const { cfg, stub } = await shard();
      const token = await iterator(stub, { type: "TRIM_HORIZON" });
      const before = await append(stub, [entry("1"), entry("2"), entry("3")]);
      const alarm = await alarmOf(stub);

      await evictDurableObject(stub);
      const after = await append(stub, [entry("4"), entry("5")]);
      expect([...before, ...after]).toEqual([1, 2, 3, 4, 5].map((p) => sequenceNumber(cfg, p)));
      expect(await stub.count()).toEqual({ ok: 5 });
      expect(texts((await read(stub, token)).records)).toEqual(["1", "2", "3", "4", "5"]);
      // The trim alarm set before the restart is the one still set.
      expect(await alarmOf(stub)).toBe(alarm);
    });

    it("keeps its position counter across a restart after every record was trimmed", async () => {
      const { cfg, stub } = await shard({ retentionHours: 1 });
      const t0 = Date.now();
      await setClock(stub, t0);
      await append(stub, [entry("1"), entry("2")]);
      await setClock(stub, t0 + HOUR + 1);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect(await stub.count()).toEqual({ ok: 0 });

      await evictDurableObject(stub);
      expect(await append(stub, [entry("3")])).toEqual([sequenceNumber(cfg, 3)]);
    });

    it("stays closed across a restart, with its ending and its children", async () => {
      const { stub } = await shard();
      await append(stub, [entry("only")]);
      const children = [
        {
          ShardId: "shardId-000000000004",
          ParentShards: ["shardId-000000000003"],
          HashKeyRange: { StartingHashKey: "0", EndingHashKey: "9" },
        },
      ];
      expect(await stub.close(children)).toEqual({ ok: { endingPosition: 1 } });
      await evictDurableObject(stub);
      expect(await stub.append(pack([entry("late")]))).toEqual({ closed: true });
      expect(await stub.close([])).toEqual({ ok: { endingPosition: 1 } });
      const reply = await stub.read(await iterator(stub, { type: "TRIM_HORIZON" }), 10);
      if (!("ok" in reply)) throw new Error("read failed");
      const read = reply.ok;
      expect(read.runs.map((r) => r.count)).toEqual([1]);
      expect(read.nextIterator).toBeNull();
      expect(read.childShards).toEqual(children);
    });

    it("ends a closed shard's reads with the call that returns its last record", async () => {
      const { stub } = await shard();
      await append(
        stub,
        Array.from({ length: 5 }, (_, i) => entry(`${i}`)),
      );
      await stub.close([]);
      const first = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }), 4);
      expect([texts(first.records), first.nextIterator === null]).toEqual([
        ["0", "1", "2", "3"],
        false,
      ]);
      const second = await read(stub, first.nextIterator ?? "", 4);
      expect([texts(second.records), second.nextIterator]).toEqual([["4"], null]);
      // Exactly as many records as the limit: the same call ends the shard.
      const whole = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }), 5);
      expect([whole.records.length, whole.nextIterator]).toEqual([5, null]);
    });

    it("ignores a second init", async () => {
      const { cfg, stub } = await shard();
      await stub.init({ ...cfg, epoch: cfg.epoch + 1, shardIndex: 9, streamName: "other" });
      expect(await append(stub, [entry("x")])).toEqual([sequenceNumber(cfg, 1)]);
    });
  });

  describe("iterators", () => {
    it("refuses an iterator signed for another shard or another stream", async () => {
      const a = await shard();
      const b = await shard({
        iteratorKey: a.cfg.iteratorKey,
        incarnation: a.cfg.incarnation,
        shardId: "shardId-000000000004",
        shardIndex: 4,
      });
      const other = await shard();
      const invalid = {
        error: { type: "InvalidArgumentException", message: "Invalid ShardIterator.", status: 400 },
      };
      expect(await b.stub.read(await iterator(a.stub, { type: "LATEST" }), 10)).toEqual(invalid);
      expect(await other.stub.read(await iterator(a.stub, { type: "LATEST" }), 10)).toEqual(
        invalid,
      );
      expect(await a.stub.read("garbage", 10)).toEqual(invalid);
    });

    it("sends only the records it returns, not the rest of their segment", async () => {
      const { stub } = await shard();
      await append(
        stub,
        Array.from({ length: 100 }, (_, i) => entry(`record-${i}`)),
      );
      const reply = await stub.read(await iterator(stub, { type: "TRIM_HORIZON" }), 10);
      if (!("ok" in reply)) throw new Error("read failed");
      const first = reply.ok;
      const sent = first.runs.reduce((n, run) => n + run.body.byteLength, 0);
      // Ten packed records of 6 header bytes, a 2-byte key and 8 or 9 data bytes.
      expect(first.runs.map((r) => r.count)).toEqual([10]);
      expect(sent).toBe(10 * (6 + 2 + 8));
    });

    it("seeks to the segment it needs: a read at the tip of a long shard reads a few rows, not all", async () => {
      const { stub } = await shard();
      const written: string[] = [];
      for (let i = 0; i < 300; i++) written.push(...(await append(stub, [entry(`record-${i}`)])));
      const rowsRead = async (token: string) =>
        runInDurableObject(stub, async (instance: Shard, state) => {
          // Count what every statement of one read touches.
          const sql = state.storage.sql;
          const exec = sql.exec.bind(sql);
          const cursors: { rowsRead: number }[] = [];
          sql.exec = ((query: string, ...bindings: unknown[]) => {
            const cursor = exec(query, ...bindings);
            cursors.push(cursor);
            return cursor;
          }) as typeof sql.exec;
          try {
            const reply = await instance.read(token, 10_000);
            if (!("ok" in reply)) throw new Error("read failed");
            return {
              records: reply.ok.runs.reduce((n, run) => n + run.count, 0),
              rows: cursors.reduce((n, c) => n + c.rowsRead, 0),
            };
          } finally {
            sql.exec = exec;
          }
        });
      const atTip = await rowsRead(await iterator(stub, { type: "LATEST" }));
      expect(atTip.records).toBe(0);
      expect(atTip.rows).toBeLessThan(10);
      const lastFive = await rowsRead(
        await iterator(stub, {
          type: "AT_SEQUENCE_NUMBER",
          sequenceNumber: written[295] ?? "",
        }),
      );
      expect(lastFive.records).toBe(5);
      expect(lastFive.rows).toBeLessThan(20);
    });

    it("reads at most `limit` records and continues where it stopped", async () => {
      const { stub } = await shard();
      await append(
        stub,
        Array.from({ length: 5 }, (_, i) => entry(`${i}`)),
      );
      const first = await read(stub, await iterator(stub, { type: "TRIM_HORIZON" }), 2);
      const second = await read(stub, first.nextIterator ?? "", 2);
      const third = await read(stub, second.nextIterator ?? "", 2);
      expect([texts(first.records), texts(second.records), texts(third.records)]).toEqual([
        ["0", "1"],
        ["2", "3"],
        ["4"],
      ]);
      expect(third.millisBehindLatest).toBe(0);
    });
  });
});
