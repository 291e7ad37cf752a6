import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  b64,
  call,
  createStream,
  deleteStream,
  expectError,
  expectValidation,
  failure,
  getRecords,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  shardIterator,
  streamStatus,
  uniqueName,
  waitFor,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "DeleteStream";
const SCOPE = { account: "000000000000", region: "us-east-1" };

const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

/** The control plane, called directly: the Worker's cached shard maps do not hear of it. */
const control = () => env.CONTROL.get(env.CONTROL.idFromName("000000000000/us-east-1"));

describeEachWire("DeleteStream", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["EnforceConsumerDeletion", "Boolean"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamName: "", EnforceConsumerDeletion: false, StreamARN: "", StreamId: "" },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("checks every member's upper bounds", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { StreamName: name }, [
        failure(`'${name}'`, "streamName", rule.maxLength(128)),
      ]);
    });
  });

  describe("behaviour", () => {
    it("answers with an empty body, and the stream is then gone", async () => {
      const name = uniqueName("del");
      await createStream(name, 2);
      const answer = await call(OP, { StreamName: name });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      await waitFor(
        async () => ((await streamStatus(name)) === undefined ? true : undefined),
        "deletion",
      );
      await expectError(
        "DescribeStream",
        { StreamName: name },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
      const listed = await ok("ListStreams", { Limit: 10000 });
      expect(listed.StreamNames).not.toContain(name);
    });

    refusesMissingStream(OP, "del-none", (name) => ({ StreamName: name }));

    it("cannot delete a stream twice", async () => {
      const name = uniqueName("del-twice");
      await createStream(name, 1);
      await deleteStream(name);
      await expectError(
        OP,
        { StreamName: name },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("refuses writes and reads at once", async () => {
      const name = uniqueName("del-io");
      await createStream(name, 1);
      const iterator = await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON");
      await ok(OP, { StreamName: name });
      await expectError(
        "PutRecord",
        { StreamName: name, PartitionKey: "a", Data: b64("x") },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
      await expectError(
        "PutRecords",
        { StreamName: name, Records: [{ PartitionKey: "a", Data: b64("x") }] },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
      await expectError(
        "GetRecords",
        { ShardIterator: iterator },
        "ResourceNotFoundException",
        `Shard shardId-000000000000 in stream ${name} under account 000000000000 does not exist`,
      );
      await expectError(
        "GetShardIterator",
        { StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" },
        "ResourceNotFoundException",
        `Shard shardId-000000000000 in stream ${name} under account 000000000000 does not exist`,
      );
    });

    it("never shows a recreated stream the old one's data, iterators or sequence numbers", async () => {
      const name = uniqueName("del-again");
      await createStream(name, 1);
      const put = await ok("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64("old") });
      const oldIterator = await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON");
      await deleteStream(name);
      await createStream(name, 1);

      const fresh = await getRecords(
        await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON"),
      );
      expect(fresh.Records).toEqual([]);
      expect(fresh.MillisBehindLatest).toBe(0);

      await expectError(
        "GetRecords",
        { ShardIterator: oldIterator },
        "ResourceNotFoundException",
        `Shard shardId-000000000000 in stream ${name} under account 000000000000 does not exist`,
      );
      for (const type of ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"]) {
        await expectError(
          "GetShardIterator",
          {
            StreamName: name,
            ShardId: "shardId-000000000000",
            ShardIteratorType: type,
            StartingSequenceNumber: put.SequenceNumber,
          },
          "InvalidArgumentException",
          `StartingSequenceNumber ${String(put.SequenceNumber)} used in GetShardIterator on shard ` +
            `shardId-000000000000 in stream ${name} under account 000000000000 is invalid because it did not come from this stream.`,
        );
      }

      const again = await ok("PutRecord", {
        StreamName: name,
        PartitionKey: "a",
        Data: b64("new"),
      });
      const read = await getRecords(
        await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON"),
      );
      expect(read.Records.map((r) => r.SequenceNumber)).toEqual([again.SequenceNumber]);
      expect(BigInt(String(again.SequenceNumber))).toBeGreaterThan(
        BigInt(String(put.SequenceNumber)),
      );
    });

    itInside(
      "refuses writes through a shard map cached before the stream was deleted elsewhere",
      async () => {
        const name = uniqueName("del-stale");
        await createStream(name, 1);
        await ok("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64("cached") });
        const deleted = await control().deleteStream(SCOPE, name);
        expect(deleted).toEqual({ ok: undefined });
        await expectError(
          "PutRecord",
          { StreamName: name, PartitionKey: "a", Data: b64("x") },
          "ResourceNotFoundException",
          `Stream ${name} under account 000000000000 not found.`,
        );
      },
    );

    itInside(
      "writes to the new stream through a shard map cached before it was recreated elsewhere",
      async () => {
        const name = uniqueName("del-stale");
        await createStream(name, 1);
        await ok("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64("old") });
        expect(await control().deleteStream(SCOPE, name)).toEqual({ ok: undefined });
        await waitFor(
          async () => ((await streamStatus(name)) === undefined ? true : undefined),
          "deletion",
        );
        expect(
          await control().createStream(SCOPE, { name, shardCount: 1, mode: "PROVISIONED" }),
        ).toEqual({ ok: undefined });
        const put = await ok("PutRecord", {
          StreamName: name,
          PartitionKey: "a",
          Data: b64("new"),
        });
        const read = await getRecords(
          await shardIterator(name, "shardId-000000000000", "TRIM_HORIZON"),
        );
        expect(read.Records.map((r) => [r.SequenceNumber, r.Data])).toEqual([
          [put.SequenceNumber, b64("new")],
        ]);
      },
    );

    it("accepts StreamARN and EnforceConsumerDeletion", async () => {
      const name = uniqueName("del-arn");
      await createStream(name, 1);
      await ok(OP, { StreamARN: arnOf(name), EnforceConsumerDeletion: true });
      await waitFor(
        async () => ((await streamStatus(name)) === undefined ? true : undefined),
        "deletion",
      );
    });

    it("refuses a StreamName and StreamARN that disagree, and deletes nothing", async () => {
      const name = uniqueName("del-arn");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, StreamARN: arnOf(`${name}x`) },
        "InvalidArgumentException",
        `StreamName ${name} and StreamARN ${arnOf(`${name}x`)} name different streams.`,
      );
      expect(await streamStatus(name)).toBe("ACTIVE");
    });

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        {},
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });
});
