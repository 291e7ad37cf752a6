import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../../worker/shard/shard.js";
import { TEST_SEAM } from "../../../worker/test-seam.js";
import {
  b64,
  createStream,
  expectError,
  expectValidation,
  failure,
  getRecords,
  ok,
  PATTERN,
  refusesWrongTypes,
  rule,
  shardIterator,
  shardObject,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "GetShardIterator";
const TYPES = [
  "AT_SEQUENCE_NUMBER",
  "AFTER_SEQUENCE_NUMBER",
  "TRIM_HORIZON",
  "LATEST",
  "AT_TIMESTAMP",
];
const SHARD0 = "shardId-000000000000";

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

async function put(name: string, data: string, key = "a"): Promise<string> {
  const answer = await ok("PutRecord", { StreamName: name, PartitionKey: key, Data: b64(data) });
  return String(answer.SequenceNumber);
}

/** The data of the records an iterator reads, decoded. */
async function readAll(iterator: string): Promise<string[]> {
  const read = await getRecords(iterator);
  return read.Records.map((r) => atob(r.Data));
}

/** Sets the clock of a shard of a stream. */
async function setClock(name: string, shardId: string, now: number): Promise<void> {
  await runInDurableObject(await shardObject(name, shardId), (instance: Shard) => {
    instance[TEST_SEAM].setClock(() => now);
  });
}

describeEachWire("GetShardIterator", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["ShardId", "String"],
      ["ShardIteratorType", "String"],
      ["StartingSequenceNumber", "String"],
      ["Timestamp", "Timestamp"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires ShardId and ShardIteratorType", async () => {
      await expectValidation(OP, {}, [
        failure("null", "shardId", rule.notNull),
        failure("null", "shardIteratorType", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        {
          StreamName: "",
          ShardId: "",
          ShardIteratorType: "",
          StartingSequenceNumber: "",
          StreamARN: "",
          StreamId: "",
        },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "shardId", rule.pattern(PATTERN.shardId)),
          failure("''", "shardId", rule.minLength(1)),
          failure("''", "shardIteratorType", rule.enum(TYPES)),
          failure("''", "startingSequenceNumber", rule.pattern(PATTERN.sequenceNumber)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { StreamName: name, ShardId: name, ShardIteratorType: "LATEST" }, [
        failure(`'${name}'`, "streamName", rule.maxLength(128)),
        failure(`'${name}'`, "shardId", rule.maxLength(128)),
      ]);
      await expectValidation(
        OP,
        { StreamName: "s", ShardId: "shardId-0", ShardIteratorType: "latest" },
        [failure("'latest'", "shardIteratorType", rule.enum(TYPES))],
      );
    });

    it("requires StartingSequenceNumber with the sequence types, and only with them", async () => {
      const name = uniqueName("gsi-args");
      await createStream(name, 1);
      const both =
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.";
      for (const type of ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"]) {
        await expectError(
          OP,
          { StreamName: name, ShardId: "shardId-0", ShardIteratorType: type },
          "InvalidArgumentException",
          `${both} Request specified ${type} and no StartingSequenceNumber.`,
        );
      }
      for (const type of ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]) {
        await expectError(
          OP,
          {
            StreamName: name,
            ShardId: "shardId-0",
            ShardIteratorType: type,
            StartingSequenceNumber: "5",
            Timestamp: 1,
          },
          "InvalidArgumentException",
          `${both} Request specified ${type} and also a StartingSequenceNumber.`,
        );
      }
    });

    it("requires Timestamp with AT_TIMESTAMP, and only with it", async () => {
      const name = uniqueName("gsi-args");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, ShardId: "shardId-0", ShardIteratorType: "AT_TIMESTAMP" },
        "InvalidArgumentException",
        "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.",
      );
      await expectError(
        OP,
        { StreamName: name, ShardId: "shardId-0", ShardIteratorType: "LATEST", Timestamp: 1 },
        "InvalidArgumentException",
        "Must specify timestampInMillis parameter only for iterator of type AT_TIMESTAMP. Current request has timestamp parameter with iterator type LATEST.",
      );
    });

    itInside("refuses a timestamp in the future", async () => {
      const name = uniqueName("gsi-future");
      await createStream(name, 1);
      const now = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
      await setClock(name, SHARD0, now);
      await expectError(
        OP,
        {
          StreamName: name,
          ShardId: SHARD0,
          ShardIteratorType: "AT_TIMESTAMP",
          Timestamp: (now + 1) / 1000,
        },
        "InvalidArgumentException",
        `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${now + 1}, currentTimestampInMillis: ${now}`,
      );
      const atNow = await ok(OP, {
        StreamName: name,
        ShardId: SHARD0,
        ShardIteratorType: "AT_TIMESTAMP",
        Timestamp: now / 1000,
      });
      expect(typeof atNow.ShardIterator).toBe("string");
    });

    it("refuses a sequence number from another shard", async () => {
      const name = uniqueName("gsi-other");
      await createStream(name, 2);
      const seq = String(
        (
          await ok("PutRecord", {
            StreamName: name,
            PartitionKey: "a",
            Data: "",
            ExplicitHashKey: "0",
          })
        ).SequenceNumber,
      );
      await expectError(
        OP,
        {
          StreamName: name,
          ShardId: "shardId-000000000001",
          ShardIteratorType: "AT_SEQUENCE_NUMBER",
          StartingSequenceNumber: seq,
        },
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001",
      );
    });

    it("refuses a sequence number this service never issued", async () => {
      const name = uniqueName("gsi-foreign");
      await createStream(name, 1);
      for (const seq of ["5", "0", "49".padEnd(47, "0")]) {
        await expectError(
          OP,
          {
            StreamName: name,
            ShardId: SHARD0,
            ShardIteratorType: "AFTER_SEQUENCE_NUMBER",
            StartingSequenceNumber: seq,
          },
          "InvalidArgumentException",
          `StartingSequenceNumber ${seq} used in GetShardIterator on shard ${SHARD0} in stream ${name} under account 000000000000 is invalid.`,
        );
      }
    });
  });

  describe("behaviour", () => {
    it("answers an unknown shard with ResourceNotFoundException", async () => {
      const name = uniqueName("gsi-shard");
      await createStream(name, 2);
      for (const shardId of ["shardId-000000000009", "shardId-9", "9", "x-00009"]) {
        await expectError(
          OP,
          { StreamName: name, ShardId: shardId, ShardIteratorType: "LATEST" },
          "ResourceNotFoundException",
          `Shard shardId-000000000009 in stream ${name} under account 000000000000 does not exist`,
        );
      }
    });

    it("answers a shard id it cannot read with ResourceNotFoundException", async () => {
      const name = uniqueName("gsi-shard");
      await createStream(name, 1);
      for (const shardId of ["ABKLFD8", "2147483648", "shardId-002147483648", "2.14E4"]) {
        await expectError(
          OP,
          { StreamName: name, ShardId: shardId, ShardIteratorType: "LATEST" },
          "ResourceNotFoundException",
          `Could not find shard ${shardId} in stream ${name} under account 000000000000.`,
        );
      }
    });

    it("answers an unknown stream by naming the shard", async () => {
      const name = uniqueName("gsi-none");
      await expectError(
        OP,
        { StreamName: name, ShardId: "shardId-2147483647", ShardIteratorType: "LATEST" },
        "ResourceNotFoundException",
        `Shard shardId-002147483647 in stream ${name} under account 000000000000 does not exist`,
      );
    });

    it("checks the shard exists before the type's parameters", async () => {
      const name = uniqueName("gsi-order");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, ShardId: "shardId-5", ShardIteratorType: "AT_SEQUENCE_NUMBER" },
        "ResourceNotFoundException",
        `Shard shardId-000000000005 in stream ${name} under account 000000000000 does not exist`,
      );
    });

    it("accepts a shard id in any form that ends in its number", async () => {
      const name = uniqueName("gsi-forms");
      await createStream(name, 2);
      await put(name, "one", "a");
      for (const shardId of ["shardId-000000000000", "shardId-0", "0", "000", "anything-0", "-0"]) {
        expect(await readAll(await shardIterator(name, shardId, "TRIM_HORIZON"))).toEqual(["one"]);
      }
    });

    it("issues an opaque iterator of at most 512 characters", async () => {
      const name = uniqueName("gsi-opaque-".padEnd(100, "x"));
      await createStream(name, 1);
      const answer = await ok(OP, {
        StreamName: name,
        ShardId: SHARD0,
        ShardIteratorType: "LATEST",
      });
      expect(Object.keys(answer)).toEqual(["ShardIterator"]);
      const iterator = String(answer.ShardIterator);
      expect(iterator.length).toBeLessThanOrEqual(512);
      expect(iterator).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(iterator).not.toContain(name);
    });

    it("starts TRIM_HORIZON at the oldest record", async () => {
      const name = uniqueName("gsi-trim");
      await createStream(name, 1);
      const empty = await shardIterator(name, SHARD0, "TRIM_HORIZON");
      for (const data of ["1", "2", "3"]) await put(name, data);
      expect(await readAll(await shardIterator(name, SHARD0, "TRIM_HORIZON"))).toEqual([
        "1",
        "2",
        "3",
      ]);
      // An iterator issued before the records were written still reads them.
      expect(await readAll(empty)).toEqual(["1", "2", "3"]);
    });

    it("starts LATEST after the newest record", async () => {
      const name = uniqueName("gsi-latest");
      await createStream(name, 1);
      await put(name, "before");
      const latest = await shardIterator(name, SHARD0, "LATEST");
      expect(await readAll(latest)).toEqual([]);
      await put(name, "after");
      expect(await readAll(latest)).toEqual(["after"]);
    });

    it("starts AT_SEQUENCE_NUMBER at, and AFTER_SEQUENCE_NUMBER after, the record named", async () => {
      const name = uniqueName("gsi-seq");
      await createStream(name, 1);
      const seqs: string[] = [];
      for (const data of ["1", "2", "3", "4"]) seqs.push(await put(name, data));
      const at = await shardIterator(name, SHARD0, "AT_SEQUENCE_NUMBER", {
        StartingSequenceNumber: seqs[1],
      });
      expect(await readAll(at)).toEqual(["2", "3", "4"]);
      const after = await shardIterator(name, SHARD0, "AFTER_SEQUENCE_NUMBER", {
        StartingSequenceNumber: seqs[1],
      });
      expect(await readAll(after)).toEqual(["3", "4"]);
      const afterLast = await shardIterator(name, SHARD0, "AFTER_SEQUENCE_NUMBER", {
        StartingSequenceNumber: seqs[3],
      });
      expect(await readAll(afterLast)).toEqual([]);
      const starting = String(
        (
          (await ok("ListShards", { StreamName: name })).Shards as {
            SequenceNumberRange: { StartingSequenceNumber: string };
          }[]
        )[0]?.SequenceNumberRange.StartingSequenceNumber,
      );
      const fromStart = await shardIterator(name, SHARD0, "AT_SEQUENCE_NUMBER", {
        StartingSequenceNumber: starting,
      });
      expect(await readAll(fromStart)).toEqual(["1", "2", "3", "4"]);
    });

    itInside("starts AT_TIMESTAMP at the first record that arrived at or after it", async () => {
      const name = uniqueName("gsi-time");
      await createStream(name, 1);
      const t1 = Date.now();
      await setClock(name, SHARD0, t1);
      await put(name, "first");
      await setClock(name, SHARD0, t1 + 10_000);
      await put(name, "second");
      await setClock(name, SHARD0, t1 + 20_000);
      const at = (ms: number) =>
        shardIterator(name, SHARD0, "AT_TIMESTAMP", { Timestamp: ms / 1000 });
      expect(await readAll(await at(t1 - 60_000))).toEqual(["first", "second"]);
      expect(await readAll(await at(t1))).toEqual(["first", "second"]);
      expect(await readAll(await at(t1 + 1))).toEqual(["second"]);
      expect(await readAll(await at(t1 + 5_000))).toEqual(["second"]);
      expect(await readAll(await at(t1 + 10_000))).toEqual(["second"]);
      const later = await at(t1 + 15_000);
      expect(await readAll(later)).toEqual([]);
      await put(name, "third");
      expect(await readAll(later)).toEqual(["third"]);
    });

    it("accepts StreamARN, and refuses one that disagrees with StreamName", async () => {
      const name = uniqueName("gsi-arn");
      await createStream(name, 1);
      await put(name, "x");
      const answer = await ok(OP, {
        StreamARN: arnOf(name),
        ShardId: SHARD0,
        ShardIteratorType: "TRIM_HORIZON",
      });
      expect(await readAll(String(answer.ShardIterator))).toEqual(["x"]);
      await expectError(
        OP,
        {
          StreamName: "other",
          StreamARN: arnOf(name),
          ShardId: SHARD0,
          ShardIteratorType: "LATEST",
        },
        "InvalidArgumentException",
        `StreamName other and StreamARN ${arnOf(name)} name different streams.`,
      );
      await expectError(
        OP,
        { ShardId: SHARD0, ShardIteratorType: "LATEST" },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });
});
