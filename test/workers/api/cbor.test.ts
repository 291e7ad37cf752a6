/**
 * AWS CBOR 1.1 (`application/x-amz-cbor-1.1`), the Java SDK's and the KCL's
 * default: operations answer in CBOR, blobs travel as byte strings and
 * timestamps as tag 1 over epoch milliseconds, and errors keep their JSON
 * fields in CBOR.
 */
import { Tagged } from "cborg";
import { describe, expect, it } from "vitest";
import { expectFailure, failure, PATTERN, rule, uniqueName, waitFor } from "../support/kinesis.js";
import { CBOR_WIRE, callOver, decodeCbor, okOver, WIRES } from "../support/wire.js";

const CBOR = "application/x-amz-cbor-1.1";
const SHARD0 = "shardId-000000000000";
const cbor = CBOR_WIRE;

async function activeOver(name: string): Promise<void> {
  await waitFor(async () => {
    const answer = await callOver(cbor, "DescribeStreamSummary", { StreamName: name });
    const summary = answer.body.StreamDescriptionSummary as { StreamStatus?: string } | undefined;
    return summary?.StreamStatus === "ACTIVE" ? true : undefined;
  }, `${name} to become ACTIVE`);
}

describe("AWS CBOR 1.1", () => {
  it("creates a stream, puts binary records and reads them back as byte strings", async () => {
    const name = uniqueName("cbor");
    const created = await callOver(cbor, "CreateStream", { StreamName: name, ShardCount: 1 });
    expect(created.status).toBe(200);
    await activeOver(name);

    const data = new Uint8Array([0x00, 0xff, 0x80, 0x7f, 0xc1, 0x1b]);
    const before = Date.now();
    const put = await callOver(cbor, "PutRecord", {
      StreamName: name,
      Data: data,
      PartitionKey: "k",
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("content-type")).toBe(CBOR);
    expect(put.body.ShardId).toBe(SHARD0);
    expect(put.body.SequenceNumber).toMatch(/^\d+$/);

    const many = await okOver(cbor, "PutRecords", {
      StreamName: name,
      Records: [
        { Data: new Uint8Array([1, 2, 3]), PartitionKey: "a" },
        { Data: new Uint8Array(0), PartitionKey: "b" },
      ],
    });
    expect(many.FailedRecordCount).toBe(0);
    expect((many.Records as unknown[]).length).toBe(2);

    const iterator = await okOver(cbor, "GetShardIterator", {
      StreamName: name,
      ShardId: SHARD0,
      ShardIteratorType: "TRIM_HORIZON",
    });
    expect(typeof iterator.ShardIterator).toBe("string");
    const got = await callOver(cbor, "GetRecords", { ShardIterator: iterator.ShardIterator });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe(CBOR);
    const records = got.body.Records as Record<string, unknown>[];
    expect(records.map((r) => r.Data)).toEqual([
      data,
      new Uint8Array([1, 2, 3]),
      new Uint8Array(0),
    ]);
    for (const record of records) expect(record.Data).toBeInstanceOf(Uint8Array);
    expect(records.map((r) => r.PartitionKey)).toEqual(["k", "a", "b"]);
    expect(records[0]?.SequenceNumber).toBe(put.body.SequenceNumber);

    // Tag 1 over integer epoch milliseconds, as the Java SDK reads it.
    const arrival = records[0]?.ApproximateArrivalTimestamp;
    expect(arrival).toBeInstanceOf(Tagged);
    const { tag, value } = arrival as Tagged;
    expect(tag).toBe(1);
    expect(Number.isInteger(value)).toBe(true);
    expect(value as number).toBeGreaterThanOrEqual(before - 1000);
    expect(value as number).toBeLessThanOrEqual(Date.now() + 1000);
    expect(cbor.time(arrival).getTime()).toBe(value);
    expect(typeof got.body.MillisBehindLatest).toBe("number");
  });

  it("reads a request's tag 1 as epoch milliseconds (AT_TIMESTAMP)", async () => {
    const name = uniqueName("cbor-ts");
    await okOver(cbor, "CreateStream", { StreamName: name, ShardCount: 1 });
    await activeOver(name);
    await okOver(cbor, "PutRecord", {
      StreamName: name,
      Data: new Uint8Array([9]),
      PartitionKey: "k",
    });
    const first = await okOver(cbor, "GetRecords", {
      ShardIterator: (
        await okOver(cbor, "GetShardIterator", {
          StreamName: name,
          ShardId: SHARD0,
          ShardIteratorType: "TRIM_HORIZON",
        })
      ).ShardIterator,
    });
    const arrival = cbor.time(
      (first.Records as Record<string, unknown>[])[0]?.ApproximateArrivalTimestamp,
    );

    // A Date encodes as tag 1 over milliseconds; were it read as seconds it
    // would lie tens of thousands of years ahead and be refused.
    const at = async (date: Date) => {
      const iterator = await okOver(cbor, "GetShardIterator", {
        StreamName: name,
        ShardId: SHARD0,
        ShardIteratorType: "AT_TIMESTAMP",
        Timestamp: date,
      });
      const body = await okOver(cbor, "GetRecords", { ShardIterator: iterator.ShardIterator });
      return (body.Records as unknown[]).length;
    };
    expect(await at(new Date(arrival.getTime() - 60_000))).toBe(1);
    expect(await at(new Date(arrival.getTime() + 1))).toBe(0);
  });

  it("reads text at a blob member as base64, and an untagged number at a timestamp as epoch seconds, as JSON does", async () => {
    const name = uniqueName("cbor-lenient");
    await okOver(cbor, "CreateStream", { StreamName: name, ShardCount: 1 });
    await activeOver(name);
    await okOver(cbor, "PutRecord", { StreamName: name, Data: "AP8=", PartitionKey: "k" });
    const { ShardIterator } = await okOver(cbor, "GetShardIterator", {
      StreamName: name,
      ShardId: SHARD0,
      ShardIteratorType: "TRIM_HORIZON",
    });
    const got = await okOver(cbor, "GetRecords", { ShardIterator });
    expect((got.Records as Record<string, unknown>[])[0]?.Data).toEqual(
      new Uint8Array([0x00, 0xff]),
    );

    // An hour ahead in seconds; read as milliseconds it would lie in 1970 and be taken.
    const seconds = Math.floor(Date.now() / 1000) + 3600;
    const ahead = await callOver(cbor, "GetShardIterator", {
      StreamName: name,
      ShardId: SHARD0,
      ShardIteratorType: "AT_TIMESTAMP",
      Timestamp: seconds,
    });
    expect(ahead.body.__type).toBe("InvalidArgumentException");
    expect(ahead.body.message).toContain(`timestampInMillis: ${seconds * 1000},`);
  });

  it("answers a ValidationException in CBOR", async () => {
    const answer = await callOver(cbor, "DescribeStreamSummary", { StreamName: "a b" });
    expectFailure(
      answer,
      "ValidationException",
      `1 validation error detected: ${failure("'a b'", "streamName", rule.pattern(PATTERN.streamName))}`,
    );
    expect(answer.headers.get("content-type")).toBe(CBOR);
  });

  it("answers a ResourceNotFoundException in CBOR", async () => {
    const name = uniqueName("cbor-missing");
    const answer = await callOver(cbor, "DescribeStreamSummary", { StreamName: name });
    expectFailure(
      answer,
      "ResourceNotFoundException",
      `Stream ${name} under account 000000000000 not found.`,
    );
    expect(answer.headers.get("content-type")).toBe(CBOR);
  });

  it("answers an empty or malformed body, or one that is not a map, with a bare SerializationException in CBOR", async () => {
    const bodies = [
      new Uint8Array(0),
      new Uint8Array([0xa1]),
      new Uint8Array([0xa0, 0x00]),
      new Uint8Array([0x1c]),
      new Uint8Array([0x61, 0x61]),
      new Uint8Array([0xf6]),
      new TextEncoder().encode('{"StreamName":"x"}'),
      // An empty byte string, and tag 1 over 0: objects once decoded, but not maps.
      new Uint8Array([0x40]),
      new Uint8Array([0xc1, 0x00]),
    ];
    for (const raw of bodies) {
      const answer = await callOver(cbor, "ListStreams", {}, { raw });
      expectFailure(answer, "SerializationException", undefined);
      expect(answer.headers.get("content-type")).toBe(CBOR);
    }
  });

  it("answers a wrong type with the JSON protocol's SerializationException message", async () => {
    const answer = await callOver(cbor, "PutRecord", {
      StreamName: "s",
      Data: true,
      PartitionKey: "k",
    });
    expectFailure(
      answer,
      "SerializationException",
      "class java.lang.Boolean can not be converted to a Blob",
    );
  });

  it("refuses a byte string or a timestamp where a structure, map or list belongs", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "UpdateAccountSettings",
        { MinimumThroughputBillingCommitment: new Uint8Array([1]) },
        "Expected null",
      ],
      [
        "UpdateAccountSettings",
        { MinimumThroughputBillingCommitment: new Date(0) },
        "Expected null",
      ],
      ["AddTagsToStream", { StreamName: "s", Tags: new Uint8Array(0) }, "Expected map or null"],
      ["AddTagsToStream", { StreamName: "s", Tags: new Date(0) }, "Expected map or null"],
      [
        "RemoveTagsFromStream",
        { StreamName: "s", TagKeys: new Uint8Array([1]) },
        "Expected list or null",
      ],
      ["RemoveTagsFromStream", { StreamName: "s", TagKeys: new Date(0) }, "Expected list or null"],
    ];
    for (const [operation, body, message] of cases) {
      expectFailure(await callOver(cbor, operation, body), "SerializationException", message);
    }
  });

  it("accepts the content type with parameters and in any case", async () => {
    for (const type of [`${CBOR}; charset=utf-8`, "Application/X-Amz-Cbor-1.1"]) {
      const answer = await callOver(cbor, "ListStreams", {}, { headers: { "content-type": type } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toBe(CBOR);
      expect(answer.body.StreamNames).toBeInstanceOf(Array);
    }
  });

  it("answers a Unit output with an empty body", async () => {
    const answer = await callOver(cbor, "CreateStream", {
      StreamName: uniqueName("cbor-unit"),
      ShardCount: 1,
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("");
  });

  describe("both wires agree", () => {
    for (const wire of WIRES) {
      it(`round-trips a record over ${wire.name}`, async () => {
        const name = uniqueName(`wire-${wire.name}`);
        await okOver(wire, "CreateStream", { StreamName: name, ShardCount: 1 });
        await activeOver(name);
        const data = new TextEncoder().encode(`hello ${wire.name}`);
        await okOver(wire, "PutRecord", { StreamName: name, Data: data, PartitionKey: "k" });
        const { ShardIterator } = await okOver(wire, "GetShardIterator", {
          StreamName: name,
          ShardId: SHARD0,
          ShardIteratorType: "TRIM_HORIZON",
        });
        const body = await okOver(wire, "GetRecords", { ShardIterator });
        const [record] = body.Records as Record<string, unknown>[];
        expect(wire.blob(record?.Data)).toEqual(data);
        expect(
          Math.abs(wire.time(record?.ApproximateArrivalTimestamp).getTime() - Date.now()),
        ).toBeLessThan(60_000);
      });
    }
  });

  // The per-operation suites write requests and read answers in the JSON view
  // and run over both wires; these cases pin down how that view maps onto CBOR.
  describe("the JSON view the per-operation suites speak", () => {
    const bytes = (body: string | Uint8Array | undefined) =>
      typeof body === "string" ? new TextEncoder().encode(body) : (body ?? new Uint8Array(0));
    /** A request of the JSON view, as the CBOR wire sends it. */
    const sent = (operation: string, body: unknown) =>
      decodeCbor(bytes(CBOR_WIRE.encodeView(operation, body)));

    it("sends base64 at a blob member as a byte string, epoch seconds at a timestamp as tag 1 over milliseconds", () => {
      expect(
        sent("PutRecords", {
          StreamName: "s",
          Records: [
            { Data: "AP8=", PartitionKey: "a" },
            { Data: "", PartitionKey: "b" },
          ],
        }),
      ).toEqual({
        StreamName: "s",
        Records: [
          { Data: new Uint8Array([0x00, 0xff]), PartitionKey: "a" },
          { Data: new Uint8Array(0), PartitionKey: "b" },
        ],
      });
      expect(
        sent("ListShards", {
          StreamCreationTimestamp: 1700000000.25,
          ShardFilter: { Type: "AT_TIMESTAMP", Timestamp: 1 },
        }),
      ).toEqual({
        StreamCreationTimestamp: new Tagged(1, 1700000000250),
        ShardFilter: { Type: "AT_TIMESTAMP", Timestamp: new Tagged(1, 1000) },
      });
    });

    it("sends wrong types and malformed base64 as written, for the serialization cases", () => {
      const body = {
        StreamName: 23,
        Data: "23456",
        PartitionKey: ["k"],
        // Base64 at a member that is not a blob stays text.
        ExplicitHashKey: "AAAA",
        Unknown: "AAAA",
      };
      expect(sent("PutRecord", body)).toEqual(body);
      for (const Timestamp of ["23", true, [], {}]) {
        expect(sent("ListShards", { ShardFilter: { Timestamp } })).toEqual({
          ShardFilter: { Timestamp },
        });
      }
    });

    it("reads an answer back as JSON carries it: byte strings as base64, tag 1 as epoch seconds", () => {
      const answer = {
        Records: [{ Data: new Uint8Array([0x00, 0xff]), When: new Date(1700000000250) }],
      };
      const view = { Records: [{ Data: "AP8=", When: 1700000000.25 }] };
      for (const wire of WIRES) expect(wire.decodeView(bytes(wire.encode(answer)))).toEqual(view);
    });
  });
});
