import { describe, expect, it } from "vitest";
import {
  createStream,
  expectError,
  expectValidation,
  failure,
  freshRegion,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  type ShardDescription,
  setControlClock,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "ListShards";

const FILTER_TYPES = [
  "AFTER_SHARD_ID",
  "AT_TRIM_HORIZON",
  "FROM_TRIM_HORIZON",
  "AT_LATEST",
  "AT_TIMESTAMP",
  "FROM_TIMESTAMP",
];

interface Listing {
  Shards: ShardDescription[];
  NextToken?: string;
}

async function listShards(body: Record<string, unknown>, region?: string): Promise<Listing> {
  return (await ok(OP, body, region)) as unknown as Listing;
}

const ids = (listing: Listing) => listing.Shards.map((s) => s.ShardId);
const shardIds = (...indexes: number[]) =>
  indexes.map((i) => `shardId-${String(i).padStart(12, "0")}`);

describeEachWire("ListShards", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["NextToken", "String"],
      ["ExclusiveStartShardId", "String"],
      ["MaxResults", "Integer"],
      ["StreamCreationTimestamp", "Timestamp"],
      ["ShardFilter", "Structure"],
      ["ShardFilter.Type", "String"],
      ["ShardFilter.ShardId", "String"],
      ["ShardFilter.Timestamp", "Timestamp"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("checks every member's lower bounds, in model order, listing at most ten", async () => {
      await expectValidation(
        OP,
        {
          StreamName: "",
          NextToken: "",
          ExclusiveStartShardId: "",
          MaxResults: 0,
          ShardFilter: {},
          StreamARN: "",
          StreamId: "",
        },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "nextToken", rule.minLength(1)),
          failure("''", "exclusiveStartShardId", rule.pattern(PATTERN.shardId)),
          failure("''", "exclusiveStartShardId", rule.minLength(1)),
          failure("'0'", "maxResults", rule.minValue(1)),
          failure("null", "shardFilter.type", rule.notNull),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          // The eleventh, streamId's length, is not listed.
        ],
      );
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      await expectValidation(
        OP,
        {
          StreamName: name,
          ExclusiveStartShardId: name,
          MaxResults: 10001,
          ShardFilter: { Type: "AT_SOME_POINT", ShardId: name },
        },
        [
          failure(`'${name}'`, "streamName", rule.maxLength(128)),
          failure(`'${name}'`, "exclusiveStartShardId", rule.maxLength(128)),
          failure("'10001'", "maxResults", rule.maxValue(10000)),
          failure("'AT_SOME_POINT'", "shardFilter.type", rule.enum(FILTER_TYPES)),
          failure(`'${name}'`, "shardFilter.shardId", rule.maxLength(128)),
        ],
      );
    });
  });

  describe("behaviour", () => {
    it("lists a stream's shards as AWS does", async () => {
      const name = uniqueName("lsh");
      await createStream(name, 3);
      const body = await ok(OP, { StreamName: name });
      const starting = { StartingSequenceNumber: expect.stringMatching(/^49\d{44}$/) };
      expect(body).toEqual({
        Shards: [
          {
            ShardId: "shardId-000000000000",
            HashKeyRange: {
              StartingHashKey: "0",
              EndingHashKey: "113427455640312821154458202477256070484",
            },
            SequenceNumberRange: starting,
          },
          {
            ShardId: "shardId-000000000001",
            HashKeyRange: {
              StartingHashKey: "113427455640312821154458202477256070485",
              EndingHashKey: "226854911280625642308916404954512140969",
            },
            SequenceNumberRange: starting,
          },
          {
            ShardId: "shardId-000000000002",
            HashKeyRange: {
              StartingHashKey: "226854911280625642308916404954512140970",
              EndingHashKey: "340282366920938463463374607431768211455",
            },
            SequenceNumberRange: starting,
          },
        ],
      });
    });

    it("requires NextToken or StreamName", async () => {
      await expectError(
        OP,
        {},
        "InvalidArgumentException",
        "Either NextToken or StreamName should be provided.",
      );
      await expectError(
        OP,
        { MaxResults: 5 },
        "InvalidArgumentException",
        "Either NextToken or StreamName should be provided.",
      );
    });

    refusesMissingStream(OP, "lsh-none", (name) => ({ StreamName: name }));

    it("pages with MaxResults and NextToken", async () => {
      const name = uniqueName("lsh-page");
      await createStream(name, 5);
      const first = await listShards({ StreamName: name, MaxResults: 2 });
      expect(ids(first)).toEqual(shardIds(0, 1));
      expect(typeof first.NextToken).toBe("string");
      const second = await listShards({ NextToken: first.NextToken, MaxResults: 2 });
      expect(ids(second)).toEqual(shardIds(2, 3));
      const third = await listShards({ NextToken: second.NextToken, MaxResults: 2 });
      expect(ids(third)).toEqual(shardIds(4));
      expect(third.NextToken).toBeUndefined();

      const all = await listShards({ StreamName: name, MaxResults: 5 });
      expect(ids(all)).toHaveLength(5);
      expect(all.NextToken).toBeUndefined();
    });

    it("refuses NextToken together with StreamName or ExclusiveStartShardId", async () => {
      const name = uniqueName("lsh-page");
      await createStream(name, 2);
      const first = await listShards({ StreamName: name, MaxResults: 1 });
      await expectError(
        OP,
        { StreamName: name, NextToken: first.NextToken },
        "InvalidArgumentException",
        "NextToken and StreamName cannot be provided together.",
      );
      await expectError(
        OP,
        { NextToken: first.NextToken, ExclusiveStartShardId: "shardId-000000000000" },
        "InvalidArgumentException",
        "NextToken and ExclusiveStartShardId cannot be provided together.",
      );
    });

    it("refuses a NextToken it did not issue", async () => {
      await expectError(
        OP,
        { NextToken: "nonsense" },
        "InvalidArgumentException",
        "Invalid NextToken.",
      );
      // A ListStreams token is not a ListShards one.
      const region = freshRegion("lsh");
      await createStream("a", 1, region);
      await createStream("b", 1, region);
      const streams = await ok("ListStreams", { Limit: 1 }, region);
      expect(typeof streams.NextToken).toBe("string");
      await expectError(
        OP,
        { NextToken: streams.NextToken },
        "InvalidArgumentException",
        "Invalid NextToken.",
        {
          region,
        },
      );
    });

    it("starts after ExclusiveStartShardId", async () => {
      const name = uniqueName("lsh-after");
      await createStream(name, 4);
      expect(
        ids(await listShards({ StreamName: name, ExclusiveStartShardId: "shardId-000000000001" })),
      ).toEqual(shardIds(2, 3));
      expect(
        ids(await listShards({ StreamName: name, ExclusiveStartShardId: "shardId-000000000003" })),
      ).toEqual([]);
    });

    it("filters a stream whose shards are all open", async () => {
      const name = uniqueName("lsh-filter");
      const before = Date.now() / 1000;
      await createStream(name, 3);
      const now = Date.now() / 1000;
      const cases: [Record<string, unknown>, string[]][] = [
        [{ Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000000" }, shardIds(1, 2)],
        [{ Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000002" }, []],
        [{ Type: "AT_TRIM_HORIZON" }, shardIds(0, 1, 2)],
        [{ Type: "FROM_TRIM_HORIZON" }, shardIds(0, 1, 2)],
        [{ Type: "AT_LATEST" }, shardIds(0, 1, 2)],
        [{ Type: "AT_TIMESTAMP", Timestamp: now }, shardIds(0, 1, 2)],
        [{ Type: "AT_TIMESTAMP", Timestamp: before - 3600 }, shardIds(0, 1, 2)],
        [{ Type: "FROM_TIMESTAMP", Timestamp: now }, shardIds(0, 1, 2)],
      ];
      for (const [filter, expected] of cases) {
        const listing = await listShards({ StreamName: name, ShardFilter: filter });
        expect({ filter, ids: ids(listing) }).toEqual({ filter, ids: expected });
      }
    });

    itInside("filters open and closed shards of a resharded stream as AWS does", async () => {
      // Created at t0, split an hour later at t1, listed an hour after that.
      const region = freshRegion("lsh");
      const t0 = Date.now();
      const t1 = t0 + 3_600_000;
      await setControlClock(region, t0);
      const name = uniqueName("lsh-split");
      await createStream(name, 1, region);
      await setControlClock(region, t1);
      await ok(
        "SplitShard",
        { StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" },
        region,
      );
      await setControlClock(region, t1 + 3_600_000);
      const seconds = (ms: number) => ms / 1000;
      const cases: [Record<string, unknown> | undefined, string[]][] = [
        [undefined, shardIds(0, 1, 2)],
        [{ Type: "AT_LATEST" }, shardIds(1, 2)],
        [{ Type: "AT_TRIM_HORIZON" }, shardIds(0)],
        [{ Type: "FROM_TRIM_HORIZON" }, shardIds(0, 1, 2)],
        [{ Type: "AT_TIMESTAMP", Timestamp: seconds(t0 + 60_000) }, shardIds(0)],
        [{ Type: "AT_TIMESTAMP", Timestamp: seconds(t1) }, shardIds(1, 2)],
        [{ Type: "FROM_TIMESTAMP", Timestamp: seconds(t0 + 60_000) }, shardIds(0, 1, 2)],
        [{ Type: "FROM_TIMESTAMP", Timestamp: seconds(t1 + 60_000) }, shardIds(1, 2)],
        [{ Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000000" }, shardIds(1, 2)],
      ];
      for (const [filter, expected] of cases) {
        const body = filter ? { StreamName: name, ShardFilter: filter } : { StreamName: name };
        const listing = await listShards(body, region);
        expect({ filter, ids: ids(listing) }).toEqual({ filter, ids: expected });
      }
      // Once the retention period has passed since it closed, the parent is listed no more.
      await setControlClock(region, t1 + 24 * 3_600_000 + 1);
      expect(ids(await listShards({ StreamName: name }, region))).toEqual(shardIds(1, 2));
      expect(
        ids(
          await listShards({ StreamName: name, ShardFilter: { Type: "AT_TRIM_HORIZON" } }, region),
        ),
      ).toEqual(shardIds(1, 2));
    });

    it("keeps the filter across pages", async () => {
      const name = uniqueName("lsh-filter");
      await createStream(name, 4);
      const filter = { Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000000" };
      const first = await listShards({ StreamName: name, ShardFilter: filter, MaxResults: 2 });
      expect(ids(first)).toEqual(shardIds(1, 2));
      const second = await listShards({ NextToken: first.NextToken, MaxResults: 2 });
      expect(ids(second)).toEqual(shardIds(3));
      expect(second.NextToken).toBeUndefined();
    });

    it("refuses a filter without the parameter its type needs, or with one it does not take", async () => {
      const name = uniqueName("lsh-filter");
      await createStream(name, 1);
      const cases: [Record<string, unknown>, string][] = [
        [
          { Type: "AFTER_SHARD_ID" },
          "ShardId must be provided with ShardFilter type AFTER_SHARD_ID.",
        ],
        [
          { Type: "AT_LATEST", ShardId: "shardId-000000000000" },
          "ShardId must not be provided with ShardFilter type AT_LATEST.",
        ],
        [
          { Type: "AT_TIMESTAMP" },
          "Timestamp must be provided with ShardFilter type AT_TIMESTAMP.",
        ],
        [
          { Type: "FROM_TIMESTAMP" },
          "Timestamp must be provided with ShardFilter type FROM_TIMESTAMP.",
        ],
        [
          { Type: "AT_TRIM_HORIZON", Timestamp: 1 },
          "Timestamp must not be provided with ShardFilter type AT_TRIM_HORIZON.",
        ],
      ];
      for (const [filter, message] of cases) {
        await expectError(
          OP,
          { StreamName: name, ShardFilter: filter },
          "InvalidArgumentException",
          message,
        );
      }
    });

    it("checks StreamCreationTimestamp against the stream's", async () => {
      const name = uniqueName("lsh-created");
      await createStream(name, 1);
      const summary = await ok("DescribeStreamSummary", { StreamName: name });
      const created = (summary.StreamDescriptionSummary as { StreamCreationTimestamp: number })
        .StreamCreationTimestamp;
      expect(ids(await listShards({ StreamName: name, StreamCreationTimestamp: created }))).toEqual(
        shardIds(0),
      );
      await expectError(
        OP,
        { StreamName: name, StreamCreationTimestamp: created - 3600 },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("accepts StreamARN, and refuses one that disagrees with StreamName", async () => {
      const name = uniqueName("lsh-arn");
      await createStream(name, 2);
      const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
      expect(ids(await listShards({ StreamARN: arn }))).toEqual(shardIds(0, 1));
      expect(ids(await listShards({ StreamARN: arn, StreamName: name }))).toEqual(shardIds(0, 1));
      await expectError(
        OP,
        { StreamName: "other", StreamARN: arn },
        "InvalidArgumentException",
        `StreamName other and StreamARN ${arn} name different streams.`,
      );
    });
  });
});
