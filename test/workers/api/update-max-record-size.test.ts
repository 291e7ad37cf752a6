import { describe, expect, it } from "vitest";
import { ROUTE_TTL_MS } from "../../../worker/clients/shard-map.js";
import {
  b64,
  call,
  controlObject,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  expectValidation,
  failure,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  streamArnOf,
  summaryOf,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "UpdateMaxRecordSize";
const MiB = 1024 * 1024;

/** AWS's refusal of data longer than the stream takes. */
function tooLong(bytes: number, limit: number, path = "data"): string {
  return (
    `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${bytes} cap=${bytes}]' ` +
    `at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${limit}`
  );
}

const putRecord = (name: string, bytes: number) =>
  call("PutRecord", { StreamName: name, PartitionKey: "a", Data: b64(new Uint8Array(bytes)) });

describeEachWire("UpdateMaxRecordSize", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamARN", "String"],
      ["StreamId", "String"],
      ["MaxRecordSizeInKiB", "Integer"],
    ]);
  });

  describe("validation", () => {
    it("requires MaxRecordSizeInKiB", async () => {
      await expectValidation(OP, {}, [failure("null", "maxRecordSizeInKiB", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { StreamARN: "", StreamId: "", MaxRecordSizeInKiB: 1023 }, [
        failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
        failure("''", "streamARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
        failure("'1023'", "maxRecordSizeInKiB", rule.minValue(1024)),
      ]);
    });

    it("checks MaxRecordSizeInKiB's upper bound", async () => {
      await expectValidation(OP, { StreamARN: streamArnOf("s"), MaxRecordSizeInKiB: 10241 }, [
        failure("'10241'", "maxRecordSizeInKiB", rule.maxValue(10240)),
      ]);
    });

    it("needs StreamARN, the only way it names a stream", async () => {
      await expectError(
        OP,
        { MaxRecordSizeInKiB: 2048 },
        "InvalidArgumentException",
        "StreamARN must be provided.",
      );
    });

    refusesMissingStream(OP, "mrs-none", (name) => ({
      StreamARN: streamArnOf(name),
      MaxRecordSizeInKiB: 2048,
    }));

    itInside("refuses a stream that is not ACTIVE", async () => {
      await expectRefusedWhileCreating(OP, "mrs-busy", (name, region) => ({
        StreamARN: streamArnOf(name, region),
        MaxRecordSizeInKiB: 2048,
      }));
    });
  });

  describe("behaviour", () => {
    it("answers with an empty body; DescribeStreamSummary reports the size and writers enforce it", async () => {
      const name = uniqueName("mrs");
      await createStream(name, 1);
      expect((await putRecord(name, MiB + 1)).body).toEqual({
        __type: "ValidationException",
        message: tooLong(MiB + 1, MiB),
      });
      const answer = await call(OP, { StreamARN: streamArnOf(name), MaxRecordSizeInKiB: 2048 });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      expect((await summaryOf(name)).MaxRecordSizeInKiB).toBe(2048);
      expect((await putRecord(name, 2 * MiB)).status).toBe(200);
      await expectError(
        "PutRecord",
        { StreamName: name, PartitionKey: "a", Data: b64(new Uint8Array(2 * MiB + 1)) },
        "ValidationException",
        tooLong(2 * MiB + 1, 2 * MiB),
      );
      await expectError(
        "PutRecords",
        {
          StreamName: name,
          Records: [
            { PartitionKey: "a", Data: b64("x") },
            { PartitionKey: "a", Data: b64(new Uint8Array(2 * MiB + 1)) },
          ],
        },
        "ValidationException",
        tooLong(2 * MiB + 1, 2 * MiB, "records.2.member.data"),
      );
    });

    it("lowers the size as well, and writers refuse what no longer fits at once", async () => {
      const name = uniqueName("mrs-down");
      await ok("CreateStream", { StreamName: name, ShardCount: 1, MaxRecordSizeInKiB: 4096 });
      expect((await putRecord(name, 3 * MiB)).status).toBe(200);
      await ok(OP, { StreamARN: streamArnOf(name), MaxRecordSizeInKiB: 1024 });
      expect((await putRecord(name, MiB + 1)).body).toEqual({
        __type: "ValidationException",
        message: tooLong(MiB + 1, MiB),
      });
      expect((await putRecord(name, MiB)).status).toBe(200);
    });

    itInside(
      "reaches writers whose cached route predates the change once the route expires",
      async () => {
        const name = uniqueName("mrs-ttl");
        await createStream(name, 1);
        expect((await putRecord(name, 10)).status).toBe(200); // the route is now cached
        // Changed behind this isolate's back, as another isolate's UpdateMaxRecordSize would.
        const changed = await controlObject().updateMaxRecordSize(
          { account: "000000000000", region: "us-east-1" },
          name,
          2048,
        );
        expect(changed).toEqual({});
        // This isolate still holds the old route...
        expect((await putRecord(name, 2 * MiB)).status).toBe(400);
        // ...until it expires.
        const deadline = Date.now() + ROUTE_TTL_MS + 5_000;
        let status = (await putRecord(name, 2 * MiB)).status;
        while (status !== 200 && Date.now() < deadline) {
          await scheduler.wait(250);
          status = (await putRecord(name, 2 * MiB)).status;
        }
        expect(status).toBe(200);
      },
      20_000,
    );

    it("keeps records already written, whatever their size", async () => {
      const name = uniqueName("mrs-keep");
      await ok("CreateStream", { StreamName: name, ShardCount: 1, MaxRecordSizeInKiB: 2048 });
      expect((await putRecord(name, 2 * MiB)).status).toBe(200);
      await ok(OP, { StreamARN: streamArnOf(name), MaxRecordSizeInKiB: 1024 });
      const iterator = await ok("GetShardIterator", {
        StreamName: name,
        ShardId: "shardId-000000000000",
        ShardIteratorType: "TRIM_HORIZON",
      });
      const read = await ok("GetRecords", { ShardIterator: iterator.ShardIterator });
      expect(read.Records).toHaveLength(1);
    });
  });
});
