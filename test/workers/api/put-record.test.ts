import { describe, expect, it } from "vitest";
import {
  b64,
  createStream,
  expectError,
  expectValidation,
  failure,
  getRecords,
  listShards,
  MAX_HASH_KEY,
  md5HashKey,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  type ShardDescription,
  shardIterator,
  unb64,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "PutRecord";
const MiB = 1024 * 1024;

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

function holds(shard: ShardDescription | undefined, key: bigint): boolean {
  if (!shard) return false;
  return (
    BigInt(shard.HashKeyRange.StartingHashKey) <= key &&
    key <= BigInt(shard.HashKeyRange.EndingHashKey)
  );
}

async function put(
  body: Record<string, unknown>,
): Promise<{ ShardId: string; SequenceNumber: string }> {
  const answer = await ok(OP, body);
  expect(Object.keys(answer).sort()).toEqual(["SequenceNumber", "ShardId"]);
  return answer as { ShardId: string; SequenceNumber: string };
}

describeEachWire("PutRecord", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["Data", "Blob"],
      ["PartitionKey", "String"],
      ["ExplicitHashKey", "String"],
      ["SequenceNumberForOrdering", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires Data and PartitionKey", async () => {
      await expectValidation(OP, {}, [
        failure("null", "data", rule.notNull),
        failure("null", "partitionKey", rule.notNull),
      ]);
      await expectValidation(OP, { StreamName: "s", Data: "", PartitionKey: null }, [
        failure("null", "partitionKey", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        {
          StreamName: "",
          Data: "",
          PartitionKey: "",
          ExplicitHashKey: "",
          SequenceNumberForOrdering: "",
          StreamARN: "",
          StreamId: "",
        },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "partitionKey", rule.minLength(1)),
          failure("''", "explicitHashKey", rule.pattern(PATTERN.hashKey)),
          failure("''", "sequenceNumberForOrdering", rule.pattern(PATTERN.sequenceNumber)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      const key = "k".repeat(257);
      const hash = "1".repeat(40);
      const sequence = "1".repeat(130);
      await expectValidation(
        OP,
        {
          StreamName: name,
          Data: "",
          PartitionKey: key,
          ExplicitHashKey: hash,
          SequenceNumberForOrdering: sequence,
        },
        [
          failure(`'${name}'`, "streamName", rule.maxLength(128)),
          failure(`'${key}'`, "partitionKey", rule.maxLength(256)),
          failure(`'${hash}'`, "explicitHashKey", rule.pattern(PATTERN.hashKey)),
          failure(
            `'${sequence}'`,
            "sequenceNumberForOrdering",
            rule.pattern(PATTERN.sequenceNumber),
          ),
        ],
      );
    });

    it("matches ExplicitHashKey and SequenceNumberForOrdering against their patterns", async () => {
      for (const value of ["01", "-1", "1.5", "1e3", " 1", "abc"]) {
        await expectValidation(
          OP,
          { StreamName: "s", Data: "", PartitionKey: "a", ExplicitHashKey: value },
          [failure(`'${value}'`, "explicitHashKey", rule.pattern(PATTERN.hashKey))],
        );
        await expectValidation(
          OP,
          { StreamName: "s", Data: "", PartitionKey: "a", SequenceNumberForOrdering: value },
          [
            failure(
              `'${value}'`,
              "sequenceNumberForOrdering",
              rule.pattern(PATTERN.sequenceNumber),
            ),
          ],
        );
      }
    });

    it("refuses data over the stream's 1 MiB record size, in the words of a constraint", async () => {
      const name = uniqueName("pr-big");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, PartitionKey: "a", Data: b64(new Uint8Array(MiB + 1)) },
        "ValidationException",
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' " +
          "at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      );
    });

    it("refuses an ExplicitHashKey beyond 2^128 - 1", async () => {
      const name = uniqueName("pr-hash");
      await createStream(name, 1);
      for (const key of [(MAX_HASH_KEY + 1n).toString(), "9".repeat(39)]) {
        await expectError(
          OP,
          { StreamName: name, PartitionKey: "a", Data: "", ExplicitHashKey: key },
          "InvalidArgumentException",
          `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${key}`,
        );
      }
    });
  });

  describe("behaviour", () => {
    it("routes each record to the shard whose range holds the MD5 of its partition key", async () => {
      const name = uniqueName("pr-route");
      await createStream(name, 4);
      const shards = await listShards(name);
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const key = `user-${i}-\u00e9\u{1F600}`;
        const result = await put({ StreamName: name, PartitionKey: key, Data: b64(`v${i}`) });
        const hash = await md5HashKey(key);
        const shard = shards.find((s) => s.ShardId === result.ShardId);
        expect({ key, holds: holds(shard, hash) }).toEqual({ key, holds: true });
        seen.add(result.ShardId);
      }
      expect(seen.size).toBe(4);
    });

    it("routes by ExplicitHashKey instead of the partition key when given", async () => {
      const name = uniqueName("pr-explicit");
      await createStream(name, 3);
      const third = (MAX_HASH_KEY + 1n) / 3n;
      const cases: [bigint, string][] = [
        [0n, "shardId-000000000000"],
        [third - 1n, "shardId-000000000000"],
        [third, "shardId-000000000001"],
        [third * 2n - 1n, "shardId-000000000001"],
        [third * 2n, "shardId-000000000002"],
        [MAX_HASH_KEY, "shardId-000000000002"],
      ];
      for (const [key, shardId] of cases) {
        // The partition key "a" alone would go to shard 0.
        const result = await put({
          StreamName: name,
          PartitionKey: "a",
          Data: "",
          ExplicitHashKey: key.toString(),
        });
        expect({ key: key.toString(), shardId: result.ShardId }).toEqual({
          key: key.toString(),
          shardId,
        });
      }
    });

    it("gives sequence numbers that rise strictly within a shard", async () => {
      const name = uniqueName("pr-seq");
      await createStream(name, 2);
      const byShard = new Map<string, bigint[]>();
      for (let i = 0; i < 30; i++) {
        const result = await put({
          StreamName: name,
          PartitionKey: `k${i % 5}`,
          Data: b64(`${i}`),
        });
        expect(result.SequenceNumber).toMatch(/^\d{1,128}$/);
        const list = byShard.get(result.ShardId) ?? [];
        list.push(BigInt(result.SequenceNumber));
        byShard.set(result.ShardId, list);
      }
      for (const numbers of byShard.values()) {
        for (let i = 1; i < numbers.length; i++) {
          expect((numbers[i] ?? 0n) > (numbers[i - 1] ?? 0n)).toBe(true);
        }
      }
      const all = [...byShard.values()].flat().map(String);
      expect(new Set(all).size).toBe(all.length);
    });

    it("keeps sequence numbers rising under concurrent writes", async () => {
      const name = uniqueName("pr-concurrent");
      await createStream(name, 1);
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          put({ StreamName: name, PartitionKey: "a", Data: b64(`${i}`) }),
        ),
      );
      const numbers = results
        .map((r) => BigInt(r.SequenceNumber))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(new Set(numbers.map(String)).size).toBe(25);
      const read = await getRecords(
        await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON"),
      );
      expect(read.Records.map((r) => BigInt(r.SequenceNumber))).toEqual(numbers);
    });

    it("accepts SequenceNumberForOrdering, and the record follows the one it names", async () => {
      const name = uniqueName("pr-order");
      await createStream(name, 1);
      const first = await put({ StreamName: name, PartitionKey: "a", Data: b64("1") });
      const second = await put({
        StreamName: name,
        PartitionKey: "a",
        Data: b64("2"),
        SequenceNumberForOrdering: first.SequenceNumber,
      });
      expect(BigInt(second.SequenceNumber) > BigInt(first.SequenceNumber)).toBe(true);
      const third = await put({
        StreamName: name,
        PartitionKey: "a",
        Data: b64("3"),
        SequenceNumberForOrdering: "0",
      });
      expect(BigInt(third.SequenceNumber) > BigInt(second.SequenceNumber)).toBe(true);
    });

    it("stores the bytes it is given, empty and exactly 1 MiB included", async () => {
      const name = uniqueName("pr-data");
      await createStream(name, 1);
      const max = crypto.getRandomValues(new Uint8Array(65536));
      const big = new Uint8Array(MiB);
      for (let i = 0; i < MiB; i += max.length) big.set(max, i);
      const empty = await put({ StreamName: name, PartitionKey: "a", Data: "" });
      const full = await put({ StreamName: name, PartitionKey: "a", Data: b64(big) });
      expect(full.ShardId).toBe("shardId-000000000000");
      const iterator = await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON");
      const read = await getRecords(iterator);
      expect(read.Records.map((r) => r.SequenceNumber)).toEqual([
        empty.SequenceNumber,
        full.SequenceNumber,
      ]);
      expect(read.Records[0]?.Data).toBe("");
      const stored = unb64(read.Records[1]?.Data);
      expect(stored.length).toBe(MiB);
      expect(stored.every((byte, i) => byte === big[i])).toBe(true);
    });

    refusesMissingStream(OP, "pr-none", (name) => ({
      StreamName: name,
      PartitionKey: "a",
      Data: "",
    }));

    it("accepts StreamARN, and refuses one that disagrees with StreamName", async () => {
      const name = uniqueName("pr-arn");
      await createStream(name, 1);
      const byArn = await put({ StreamARN: arnOf(name), PartitionKey: "a", Data: b64("x") });
      expect(byArn.ShardId).toBe("shardId-000000000000");
      await put({ StreamName: name, StreamARN: arnOf(name), PartitionKey: "a", Data: b64("y") });
      await expectError(
        OP,
        { StreamName: "other", StreamARN: arnOf(name), PartitionKey: "a", Data: "" },
        "InvalidArgumentException",
        `StreamName other and StreamARN ${arnOf(name)} name different streams.`,
      );
      await expectError(
        OP,
        { PartitionKey: "a", Data: "" },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });
});
