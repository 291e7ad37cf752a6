import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  createOnDemandStream,
  createStream,
  deleteStream,
  freshRegion,
  ok,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "DescribeLimits";

/** The open shards one account may have in one region (wrangler.toml's SHARD_LIMIT). */
const LIMIT = Number(env.SHARD_LIMIT);

describeEachWire("DescribeLimits", () => {
  describe("serialization", () => {
    it("takes an empty object and ignores members it does not know", async () => {
      const region = freshRegion("dl");
      const answer = await call(OP, { Whatever: 1 }, { region });
      expect(answer.status).toBe(200);
    });
  });

  describe("behaviour", () => {
    it("reports the limits and nothing open in a region with no streams", async () => {
      const region = freshRegion("dl");
      expect(await ok(OP, {}, region)).toEqual({
        ShardLimit: LIMIT,
        OpenShardCount: 0,
        OnDemandStreamCount: 0,
        OnDemandStreamCountLimit: 50,
      });
    });

    it("counts the open shards and on-demand streams of the account in the region", async () => {
      const region = freshRegion("dl");
      const provisioned = uniqueName("dl-p");
      const onDemand = uniqueName("dl-od");
      await createStream(provisioned, 3, region);
      await createOnDemandStream(onDemand, region);
      expect(await ok(OP, {}, region)).toEqual({
        ShardLimit: LIMIT,
        OpenShardCount: 7,
        OnDemandStreamCount: 1,
        OnDemandStreamCountLimit: 50,
      });
      // Another region's streams are not counted.
      expect((await ok(OP, {}, freshRegion("dl"))).OpenShardCount).toBe(0);
      await deleteStream(onDemand, region);
      expect(await ok(OP, {}, region)).toMatchObject({ OpenShardCount: 3, OnDemandStreamCount: 0 });
      await deleteStream(provisioned, region);
      expect(await ok(OP, {}, region)).toMatchObject({ OpenShardCount: 0 });
    });
  });
});
