import { describe, expect, it } from "vitest";
import { call, ok, uniqueName } from "../support/kinesis.js";

describe("round trip", () => {
  it("creates, puts and reads", async () => {
    const name = uniqueName();
    await ok("CreateStream", { StreamName: name, ShardCount: 2 });
    const put = await ok("PutRecord", { StreamName: name, Data: "aGVsbG8=", PartitionKey: "a" });
    expect(put.SequenceNumber).toMatch(/^49\d{44}$/);
    const shards = await ok("ListShards", { StreamName: name });
    expect(shards.Shards).toHaveLength(2);
    const it1 = await ok("GetShardIterator", { StreamName: name, ShardId: put.ShardId, ShardIteratorType: "TRIM_HORIZON" });
    const recs = await ok("GetRecords", { ShardIterator: it1.ShardIterator });
    expect(recs.Records).toMatchObject([{ Data: "aGVsbG8=", PartitionKey: "a", SequenceNumber: put.SequenceNumber }]);
    const bad = await call("PutRecord", { StreamName: name, PartitionKey: "a" });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ __type: "ValidationException", message: "1 validation error detected: Value null at 'data' failed to satisfy constraint: Member must not be null" });
  });
});
