import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ControlPlane } from "../../../worker/control/control-plane.js";
import { TEST_SEAM } from "../../../worker/test-seam.js";
import {
  createStream,
  deleteStream,
  expectError,
  expectValidation,
  failure,
  freshRegion,
  ok,
  PATTERN,
  refusesWrongTypes,
  rule,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "ListStreams";

interface Listing {
  StreamNames: string[];
  HasMoreStreams: boolean;
  NextToken?: string;
  StreamSummaries: { StreamName: string; StreamARN: string }[];
}

async function list(region: string, body: Record<string, unknown> = {}): Promise<Listing> {
  return (await ok(OP, body, region)) as unknown as Listing;
}

/** Creates streams in the region, in an order that is not their name order. */
async function streams(region: string, names: string[]): Promise<void> {
  for (const name of [...names].reverse()) await createStream(name, 1, region);
}

describeEachWire("ListStreams", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["Limit", "Integer"],
      ["ExclusiveStartStreamName", "String"],
      ["NextToken", "String"],
    ]);
  });

  describe("validation", () => {
    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { Limit: 0, ExclusiveStartStreamName: "", NextToken: "" }, [
        failure("'0'", "limit", rule.minValue(1)),
        failure("''", "exclusiveStartStreamName", rule.pattern(PATTERN.streamName)),
        failure("''", "exclusiveStartStreamName", rule.minLength(1)),
        failure("''", "nextToken", rule.minLength(1)),
      ]);
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { Limit: 10001, ExclusiveStartStreamName: name }, [
        failure("'10001'", "limit", rule.maxValue(10000)),
        failure(`'${name}'`, "exclusiveStartStreamName", rule.maxLength(128)),
      ]);
    });
  });

  describe("behaviour", () => {
    it("lists nothing in a region without streams", async () => {
      const region = freshRegion("ls");
      expect(await ok(OP, {}, region)).toEqual({
        StreamNames: [],
        HasMoreStreams: false,
        StreamSummaries: [],
      });
    });

    it("lists streams in name order, with their summaries", async () => {
      const region = freshRegion("ls");
      const names = ["a-one", "b-two", "c-three"];
      const before = Date.now();
      await streams(region, names);
      const body = await ok(OP, {}, region);
      expect(body).toEqual({
        StreamNames: names,
        HasMoreStreams: false,
        StreamSummaries: names.map((name) => ({
          StreamName: name,
          StreamARN: `arn:aws:kinesis:${region}:000000000000:stream/${name}`,
          StreamStatus: "ACTIVE",
          StreamModeDetails: { StreamMode: "PROVISIONED" },
          StreamCreationTimestamp: expect.any(Number),
        })),
      });
      for (const summary of body.StreamSummaries as { StreamCreationTimestamp: number }[]) {
        expect(summary.StreamCreationTimestamp * 1000).toBeGreaterThanOrEqual(before - 1000);
        expect(summary.StreamCreationTimestamp * 1000).toBeLessThanOrEqual(Date.now() + 1000);
      }
    });

    it("orders names by code unit, as AWS does", async () => {
      const region = freshRegion("ls");
      await streams(region, ["B", "_a", "a", "a-b", "a.b", "a0"]);
      const listing = await list(region);
      expect(listing.StreamNames).toEqual(["B", "_a", "a", "a-b", "a.b", "a0"].sort());
    });

    it("pages with Limit and ExclusiveStartStreamName", async () => {
      const region = freshRegion("ls");
      await streams(region, ["s1", "s2", "s3", "s4", "s5"]);

      const first = await list(region, { Limit: 2 });
      expect(first.StreamNames).toEqual(["s1", "s2"]);
      expect(first.HasMoreStreams).toBe(true);

      const second = await list(region, { Limit: 2, ExclusiveStartStreamName: "s2" });
      expect(second.StreamNames).toEqual(["s3", "s4"]);
      expect(second.HasMoreStreams).toBe(true);

      const last = await list(region, { Limit: 2, ExclusiveStartStreamName: "s4" });
      expect(last.StreamNames).toEqual(["s5"]);
      expect(last.HasMoreStreams).toBe(false);
      expect(last.NextToken).toBeUndefined();

      // A name that is not a stream still marks a place in the order.
      const between = await list(region, { ExclusiveStartStreamName: "s2x" });
      expect(between.StreamNames).toEqual(["s3", "s4", "s5"]);

      const exact = await list(region, { Limit: 5 });
      expect(exact.StreamNames).toHaveLength(5);
      expect(exact.HasMoreStreams).toBe(false);
    });

    it("pages with NextToken", async () => {
      const region = freshRegion("ls");
      const names = ["t1", "t2", "t3", "t4", "t5"];
      await streams(region, names);
      const seen: string[] = [];
      let page = await list(region, { Limit: 2 });
      let pages = 1;
      for (;;) {
        seen.push(...page.StreamNames);
        expect(page.StreamSummaries.map((s) => s.StreamName)).toEqual(page.StreamNames);
        if (!page.HasMoreStreams) break;
        expect(typeof page.NextToken).toBe("string");
        page = await list(region, { Limit: 2, NextToken: page.NextToken });
        pages++;
      }
      expect(seen).toEqual(names);
      expect(pages).toBe(3);
    });

    it("refuses a NextToken it did not issue", async () => {
      const region = freshRegion("ls");
      for (const token of ["nonsense", "bm9uc2Vuc2U=", "WzEsMiwzXQ=="]) {
        await expectError(
          OP,
          { NextToken: token },
          "InvalidArgumentException",
          "Invalid NextToken.",
          {
            region,
          },
        );
      }
    });

    it("refuses a ListShards NextToken", async () => {
      const region = freshRegion("ls");
      await createStream("shards", 3, region);
      const shards = await ok("ListShards", { StreamName: "shards", MaxResults: 1 }, region);
      await expectError(
        OP,
        { NextToken: shards.NextToken },
        "InvalidArgumentException",
        "Invalid NextToken.",
        {
          region,
        },
      );
    });

    itInside("refuses a NextToken older than five minutes", async () => {
      const region = freshRegion("ls");
      await streams(region, ["e1", "e2"]);
      const first = await list(region, { Limit: 1 });
      const control = env.CONTROL.get(env.CONTROL.idFromName(`000000000000/${region}`));
      await runInDurableObject(control, (instance: ControlPlane) => {
        instance[TEST_SEAM].setClock(() => Date.now() + 300_001);
      });
      await expectError(
        OP,
        { NextToken: first.NextToken },
        "ExpiredNextTokenException",
        "The NextToken has expired.",
        {
          region,
        },
      );
    });

    it("stops listing a stream once it is deleted", async () => {
      const region = freshRegion("ls");
      await streams(region, ["d1", "d2"]);
      await deleteStream("d1", region);
      expect((await list(region)).StreamNames).toEqual(["d2"]);
    });
  });
});
