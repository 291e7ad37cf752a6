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
  freshRegion,
  listShards,
  MAX_HASH_KEY,
  ok,
  PATTERN,
  refusesWrongTypes,
  rule,
  uniqueName,
  waitFor,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "CreateStream";

/** The open shards one account may have in one region (wrangler.toml's SHARD_LIMIT). */
const LIMIT = Number(env.SHARD_LIMIT);

/** AWS's LimitExceededException message for CreateStream. */
function limitExceeded(region: string, current: number, additional: number): string {
  return (
    `This request would exceed the shard limit for the account 000000000000 in ${region}. ` +
    `Current shard count for the account: ${current}. Limit: ${LIMIT}. ` +
    `Number of additional shards that would have resulted from this request: ${additional}. ` +
    "Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) " +
    "for current limits and how to request higher limits."
  );
}

describeEachWire("CreateStream", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["ShardCount", "Integer"],
      ["StreamModeDetails", "Structure"],
      ["StreamModeDetails.StreamMode", "String"],
      ["Tags", "Map"],
      ["Tags.a", "String"],
      ["WarmThroughputMiBps", "Integer"],
      ["MaxRecordSizeInKiB", "Integer"],
    ]);
  });

  describe("validation", () => {
    it("requires StreamName", async () => {
      await expectValidation(OP, {}, [failure("null", "streamName", rule.notNull)]);
      await expectValidation(OP, { StreamName: null, ShardCount: 1 }, [
        failure("null", "streamName", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        {
          StreamName: "",
          ShardCount: 0,
          StreamModeDetails: {},
          Tags: {},
          WarmThroughputMiBps: -1,
          MaxRecordSizeInKiB: 1023,
        },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("'0'", "shardCount", rule.minValue(1)),
          failure("null", "streamModeDetails.streamMode", rule.notNull),
          failure("'{}'", "tags", rule.minLength(1)),
          failure("'-1'", "warmThroughputMiBps", rule.minValue(0)),
          failure("'1023'", "maxRecordSizeInKiB", rule.minValue(1024)),
        ],
      );
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      await expectValidation(
        OP,
        {
          StreamName: name,
          ShardCount: 1,
          StreamModeDetails: { StreamMode: "SOMETIMES" },
          MaxRecordSizeInKiB: 10241,
        },
        [
          failure(`'${name}'`, "streamName", rule.maxLength(128)),
          failure(
            "'SOMETIMES'",
            "streamModeDetails.streamMode",
            rule.enum(["PROVISIONED", "ON_DEMAND"]),
          ),
          failure("'10241'", "maxRecordSizeInKiB", rule.maxValue(10240)),
        ],
      );
    });

    it("matches StreamName against its pattern", async () => {
      for (const name of ["a b", "a/b", "a:b", "stream\u00e9", "a*"]) {
        await expectValidation(OP, { StreamName: name, ShardCount: 1 }, [
          failure(`'${name}'`, "streamName", rule.pattern(PATTERN.streamName)),
        ]);
      }
    });

    it("checks Tags' size, keys and values", async () => {
      const tags = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, "v"]));
      const rendered = `'{${Object.keys(tags)
        .map((k) => `${k}=v`)
        .join(", ")}}'`;
      await expectValidation(OP, { StreamName: "s", ShardCount: 1, Tags: tags }, [
        failure(rendered, "tags", rule.maxLength(200)),
      ]);
      const long = "k".repeat(129);
      await expectValidation(
        OP,
        { StreamName: "s", ShardCount: 1, Tags: { a: "1", [long]: "2" } },
        [
          failure(
            `'{a=1, ${long}=2}'`,
            "tags",
            "Map keys must satisfy constraint: [Member must have length less than or equal to 128, " +
              "Member must have length greater than or equal to 1]",
          ),
        ],
      );
      const value = "v".repeat(257);
      await expectValidation(OP, { StreamName: "s", ShardCount: 1, Tags: { a: value } }, [
        failure(
          `'{a=${value}}'`,
          "tags",
          "Map value must satisfy constraint: [Member must have length less than or equal to 256, " +
            "Member must have length greater than or equal to 0]",
        ),
      ]);
    });

    it("validates before it looks for the stream", async () => {
      const name = uniqueName("cs-dup");
      await createStream(name, 1);
      await expectValidation(OP, { StreamName: name, ShardCount: 0 }, [
        failure("'0'", "shardCount", rule.minValue(1)),
      ]);
    });
  });

  describe("behaviour", () => {
    it("answers with an empty body and creates an ACTIVE stream", async () => {
      const name = uniqueName("cs");
      const answer = await call(OP, { StreamName: name, ShardCount: 3 });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      const status = await waitFor(async () => {
        const summary = await ok("DescribeStreamSummary", { StreamName: name });
        const s = summary.StreamDescriptionSummary as { StreamStatus: string };
        return s.StreamStatus === "ACTIVE" ? s.StreamStatus : undefined;
      }, "ACTIVE");
      expect(status).toBe("ACTIVE");
      const shards = await listShards(name);
      expect(shards.map((s) => s.ShardId)).toEqual([
        "shardId-000000000000",
        "shardId-000000000001",
        "shardId-000000000002",
      ]);
    });

    it("splits the hash key space as AWS does (three shards)", async () => {
      const name = uniqueName("cs3");
      await createStream(name, 3);
      const shards = await listShards(name);
      expect(shards.map((s) => s.HashKeyRange)).toEqual([
        { StartingHashKey: "0", EndingHashKey: "113427455640312821154458202477256070484" },
        {
          StartingHashKey: "113427455640312821154458202477256070485",
          EndingHashKey: "226854911280625642308916404954512140969",
        },
        {
          StartingHashKey: "226854911280625642308916404954512140970",
          EndingHashKey: "340282366920938463463374607431768211455",
        },
      ]);
    });

    for (const n of [1, 2, 5, 7]) {
      it(`gives ${n} shard(s) contiguous ranges of floor(2^128 / ${n}) keys, the last taking the rest`, async () => {
        const name = uniqueName(`cs${n}`);
        await createStream(name, n);
        const shards = await listShards(name);
        expect(shards).toHaveLength(n);
        const size = (MAX_HASH_KEY + 1n) / BigInt(n);
        shards.forEach((shard, i) => {
          const start = BigInt(i) * size;
          const end = i === n - 1 ? MAX_HASH_KEY : start + size - 1n;
          expect(shard.HashKeyRange).toEqual({
            StartingHashKey: start.toString(),
            EndingHashKey: end.toString(),
          });
          expect(shard.SequenceNumberRange.StartingSequenceNumber).toMatch(/^49\d{44}$/);
          expect(shard.SequenceNumberRange.EndingSequenceNumber).toBeUndefined();
          expect(shard.ParentShardId).toBeUndefined();
        });
      });
    }

    it("refuses a name already in use", async () => {
      const name = uniqueName("cs-dup");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, ShardCount: 2 },
        "ResourceInUseException",
        `Stream ${name} under account 000000000000 already exists.`,
      );
      expect(await listShards(name)).toHaveLength(1);
    });

    it("lets only one of two concurrent creations of a name succeed", async () => {
      const name = uniqueName("cs-race");
      const answers = await Promise.all([
        call(OP, { StreamName: name, ShardCount: 1 }),
        call(OP, { StreamName: name, ShardCount: 2 }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
      const loser = answers.find((a) => a.status === 400);
      expect(loser?.body).toEqual({
        __type: "ResourceInUseException",
        message: `Stream ${name} under account 000000000000 already exists.`,
      });
    });

    it("refuses shards beyond the account's limit, saying how many it has", async () => {
      const region = freshRegion("cs");
      await expectError(
        OP,
        { StreamName: uniqueName("big"), ShardCount: LIMIT + 1 },
        "LimitExceededException",
        limitExceeded(region, 0, LIMIT + 1),
        { region },
      );
      await createStream(uniqueName("small"), 3, region);
      await expectError(
        OP,
        { StreamName: uniqueName("big"), ShardCount: LIMIT - 2 },
        "LimitExceededException",
        limitExceeded(region, 3, LIMIT - 2),
        { region },
      );
    });

    it("gives the shards of a deleted stream back to the account", async () => {
      const region = freshRegion("cs");
      const name = uniqueName("cs-del");
      await createStream(name, 5, region);
      const big = { StreamName: uniqueName("big"), ShardCount: LIMIT + 1 };
      await expectError(OP, big, "LimitExceededException", limitExceeded(region, 5, LIMIT + 1), {
        region,
      });
      await deleteStream(name, region);
      await expectError(OP, big, "LimitExceededException", limitExceeded(region, 0, LIMIT + 1), {
        region,
      });
    });

    it("creates an ON_DEMAND stream with four shards", async () => {
      const name = uniqueName("cs-od");
      await ok(OP, { StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" } });
      const summary = await ok("DescribeStreamSummary", { StreamName: name });
      expect(summary.StreamDescriptionSummary).toMatchObject({
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
        OpenShardCount: 4,
      });
      const shards = await listShards(name);
      expect(shards).toHaveLength(4);
      expect(shards[3]?.HashKeyRange.EndingHashKey).toBe(MAX_HASH_KEY.toString());
    });

    it("creates a PROVISIONED stream when StreamModeDetails says so", async () => {
      const name = uniqueName("cs-pr");
      await ok(OP, {
        StreamName: name,
        ShardCount: 2,
        StreamModeDetails: { StreamMode: "PROVISIONED" },
      });
      const summary = await ok("DescribeStreamSummary", { StreamName: name });
      expect(summary.StreamDescriptionSummary).toMatchObject({
        StreamModeDetails: { StreamMode: "PROVISIONED" },
        OpenShardCount: 2,
      });
    });

    it("requires ShardCount for a PROVISIONED stream", async () => {
      await expectError(
        OP,
        { StreamName: uniqueName("cs-none") },
        "InvalidArgumentException",
        "ShardCount is required for a stream in PROVISIONED mode.",
      );
    });

    it("accepts Tags", async () => {
      const name = uniqueName("cs-tags");
      await ok(OP, { StreamName: name, ShardCount: 1, Tags: { team: "data", empty: "" } });
      await waitFor(
        async () =>
          (await call("DescribeStream", { StreamName: name })).status === 200 ? true : undefined,
        "stream",
      );
    });

    it("keeps the MaxRecordSizeInKiB it is given", async () => {
      const name = uniqueName("cs-max");
      await ok(OP, { StreamName: name, ShardCount: 1, MaxRecordSizeInKiB: 2048 });
      const summary = await ok("DescribeStreamSummary", { StreamName: name });
      expect(summary.StreamDescriptionSummary).toMatchObject({ MaxRecordSizeInKiB: 2048 });
      const fits = new Uint8Array(2 * 1024 * 1024);
      const put = await call("PutRecord", {
        StreamName: name,
        PartitionKey: "a",
        Data: b64(fits),
      });
      expect(put.status).toBe(200);
      const over = new Uint8Array(2 * 1024 * 1024 + 1);
      await expectError(
        "PutRecord",
        { StreamName: name, PartitionKey: "a", Data: b64(over) },
        "ValidationException",
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=2097153 cap=2097153]' " +
          "at 'data' failed to satisfy constraint: Member must have length less than or equal to 2097152",
      );
    });
  });
});
