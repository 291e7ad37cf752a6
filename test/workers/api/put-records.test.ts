import { describe, expect, it } from "vitest";
import {
  b64,
  call,
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
  type RecordOut,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  shardIterator,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "PutRecords";
const MiB = 1024 * 1024;

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

interface Result {
  FailedRecordCount: number;
  Records: { ShardId: string; SequenceNumber: string }[];
}

/** The entry rendering in a list message, with Java's identity hash left out. */
const ENTRY = /com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@[0-9a-f]+/g;

describeEachWire("PutRecords", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["Records", "List"],
      ["Records.0", "Structure"],
      ["Records.0.Data", "Blob"],
      ["Records.0.ExplicitHashKey", "String"],
      ["Records.0.PartitionKey", "String"],
      ["StreamName", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires Records", async () => {
      await expectValidation(OP, {}, [failure("null", "records", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { Records: [], StreamName: "", StreamARN: "", StreamId: "" }, [
        failure("'[]'", "records", rule.minLength(1)),
        failure("''", "streamName", rule.pattern(PATTERN.streamName)),
        failure("''", "streamName", rule.minLength(1)),
        failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
        failure("''", "streamARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    it("checks each entry's members, in model order, at their list paths", async () => {
      await expectValidation(
        OP,
        {
          StreamName: "s",
          Records: [
            { Data: "", PartitionKey: "a" },
            { PartitionKey: "", Data: "", ExplicitHashKey: "" },
            {},
            null,
          ],
        },
        [
          failure("''", "records.2.member.explicitHashKey", rule.pattern(PATTERN.hashKey)),
          failure("''", "records.2.member.partitionKey", rule.minLength(1)),
          failure("null", "records.3.member.data", rule.notNull),
          failure("null", "records.3.member.partitionKey", rule.notNull),
          failure("null", "records.4.member", rule.notNull),
        ],
      );
      const key = "k".repeat(257);
      await expectValidation(OP, { StreamName: "s", Records: [{ Data: "", PartitionKey: key }] }, [
        failure(`'${key}'`, "records.1.member.partitionKey", rule.maxLength(256)),
      ]);
    });

    it("lists at most ten failures, the list's own first", async () => {
      const records = Array.from({ length: 501 }, () => ({ PartitionKey: "", Data: "" }));
      const answer = await call(OP, { StreamName: "", Records: records });
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe("ValidationException");
      const message = String(answer.body.message).replace(ENTRY, "Entry");
      const rendered = `'[${Array.from({ length: 501 }, () => "Entry").join(", ")}]'`;
      expect(message).toBe(
        `10 validation errors detected: ${[
          failure(rendered, "records", rule.maxLength(500)),
          ...Array.from({ length: 9 }, (_, i) =>
            failure("''", `records.${i + 1}.member.partitionKey`, rule.minLength(1)),
          ),
        ].join("; ")}`,
      );
    });

    it("refuses 501 entries", async () => {
      const records = Array.from({ length: 501 }, (_, i) => ({ PartitionKey: `${i}`, Data: "" }));
      const answer = await call(OP, { StreamName: "s", Records: records });
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toBe("ValidationException");
      expect(String(answer.body.message).replace(ENTRY, "Entry")).toBe(
        `1 validation error detected: ${failure(
          `'[${Array.from({ length: 501 }, () => "Entry").join(", ")}]'`,
          "records",
          rule.maxLength(500),
        )}`,
      );
    });

    it("refuses an entry over the stream's record size, naming it", async () => {
      const name = uniqueName("prs-big");
      await createStream(name, 1);
      await expectError(
        OP,
        {
          StreamName: name,
          Records: [
            { PartitionKey: "a", Data: "" },
            { PartitionKey: "a", Data: b64(new Uint8Array(MiB + 1)) },
          ],
        },
        "ValidationException",
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' " +
          "at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
      );
    });

    it("refuses a request over 5 MiB of data and partition keys", async () => {
      const name = uniqueName("prs-5mb");
      await createStream(name, 1);
      const data = b64(new Uint8Array(MiB));
      await expectError(
        OP,
        {
          StreamName: name,
          Records: Array.from({ length: 5 }, () => ({ PartitionKey: "a", Data: data })),
        },
        "InvalidArgumentException",
        "Records size exceeds 5 MB limit",
      );
      // Nothing of it was written.
      const read = await getRecords(
        await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON"),
      );
      expect(read.Records).toEqual([]);
    });

    it("refuses an ExplicitHashKey beyond 2^128 - 1 in any entry", async () => {
      const name = uniqueName("prs-hash");
      await createStream(name, 1);
      const key = (MAX_HASH_KEY + 1n).toString();
      await expectError(
        OP,
        {
          StreamName: name,
          Records: [
            { PartitionKey: "a", Data: "" },
            { PartitionKey: "a", Data: "", ExplicitHashKey: key },
          ],
        },
        "InvalidArgumentException",
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${key}`,
      );
    });
  });

  describe("behaviour", () => {
    it("writes 500 entries and answers each in request order", async () => {
      const name = uniqueName("prs-500");
      await createStream(name, 4);
      const shards = await listShards(name);
      const records = Array.from({ length: 500 }, (_, i) => ({
        PartitionKey: `key-${i}`,
        Data: b64(`value-${i}`),
      }));
      const result = (await ok(OP, { StreamName: name, Records: records })) as unknown as Result;
      expect(result.FailedRecordCount).toBe(0);
      expect(result.Records).toHaveLength(500);

      const perShard = new Map<string, { seq: bigint; index: number }[]>();
      for (const [i, entry] of result.Records.entries()) {
        expect(Object.keys(entry).sort()).toEqual(["SequenceNumber", "ShardId"]);
        const hash = await md5HashKey(`key-${i}`);
        const shard = shards.find((s) => s.ShardId === entry.ShardId);
        expect(shard).toBeDefined();
        expect(BigInt(shard?.HashKeyRange.StartingHashKey ?? "-1") <= hash).toBe(true);
        expect(hash <= BigInt(shard?.HashKeyRange.EndingHashKey ?? "-1")).toBe(true);
        const list = perShard.get(entry.ShardId) ?? [];
        list.push({ seq: BigInt(entry.SequenceNumber), index: i });
        perShard.set(entry.ShardId, list);
      }
      expect(perShard.size).toBe(4);

      // Each shard holds its entries in request order, under the numbers returned.
      for (const [shardId, entries] of perShard) {
        for (let k = 1; k < entries.length; k++) {
          expect((entries[k]?.seq ?? 0n) > (entries[k - 1]?.seq ?? 0n)).toBe(true);
        }
        const read = await getRecords(await shardIterator(name, shardId, "TRIM_HORIZON"));
        expect(
          read.Records.map((r: RecordOut) => [r.SequenceNumber, r.PartitionKey, r.Data]),
        ).toEqual(
          entries.map((e) => [e.seq.toString(), `key-${e.index}`, b64(`value-${e.index}`)]),
        );
      }
    });

    it("routes by ExplicitHashKey when given", async () => {
      const name = uniqueName("prs-explicit");
      await createStream(name, 3);
      const third = (MAX_HASH_KEY + 1n) / 3n;
      const result = (await ok(OP, {
        StreamName: name,
        Records: [
          { PartitionKey: "a", Data: "", ExplicitHashKey: MAX_HASH_KEY.toString() },
          { PartitionKey: "a", Data: "", ExplicitHashKey: (third * 2n - 1n).toString() },
          { PartitionKey: "a", Data: "", ExplicitHashKey: (third * 2n).toString() },
          { PartitionKey: "a", Data: "", ExplicitHashKey: "0" },
        ],
      })) as unknown as Result;
      expect(result.Records.map((r) => r.ShardId)).toEqual([
        "shardId-000000000002",
        "shardId-000000000001",
        "shardId-000000000002",
        "shardId-000000000000",
      ]);
    });

    it("accepts exactly 5 MiB of data and partition keys", async () => {
      const name = uniqueName("prs-5mb");
      await createStream(name, 1);
      const full = b64(new Uint8Array(MiB));
      const rest = b64(new Uint8Array(MiB - 5));
      const records = [
        ...Array.from({ length: 4 }, () => ({ PartitionKey: "a", Data: full })),
        { PartitionKey: "a", Data: rest },
      ];
      const result = (await ok(OP, { StreamName: name, Records: records })) as unknown as Result;
      expect(result.FailedRecordCount).toBe(0);
      expect(result.Records).toHaveLength(5);
    });

    refusesMissingStream(OP, "prs-none", (name) => ({
      StreamName: name,
      Records: [{ PartitionKey: "a", Data: "" }],
    }));

    it("accepts StreamARN, and refuses one that disagrees with StreamName", async () => {
      const name = uniqueName("prs-arn");
      await createStream(name, 1);
      const result = (await ok(OP, {
        StreamARN: arnOf(name),
        Records: [{ PartitionKey: "a", Data: b64("x") }],
      })) as unknown as Result;
      expect(result.Records[0]?.ShardId).toBe("shardId-000000000000");
      await expectError(
        OP,
        { StreamName: "other", StreamARN: arnOf(name), Records: [{ PartitionKey: "a", Data: "" }] },
        "InvalidArgumentException",
        `StreamName other and StreamARN ${arnOf(name)} name different streams.`,
      );
      await expectError(
        OP,
        { Records: [{ PartitionKey: "a", Data: "" }] },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });
});
