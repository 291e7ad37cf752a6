import { describe, expect, it } from "vitest";
import { call, freshRegion, ok, setControlClock } from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "DescribeAccountSettings";
const DAY = 24 * 3_600_000;

describeEachWire("DescribeAccountSettings", () => {
  describe("serialization", () => {
    it("takes an empty object and ignores members it does not know", async () => {
      const answer = await call(OP, { Whatever: 1 }, { region: freshRegion("das") });
      expect(answer.status).toBe(200);
    });
  });

  describe("behaviour", () => {
    it("reports a commitment that was never enabled as DISABLED", async () => {
      expect(await ok(OP, {}, freshRegion("das"))).toEqual({
        MinimumThroughputBillingCommitment: { Status: "DISABLED" },
      });
    });

    itInside("reports what UpdateAccountSettings set, per region", async () => {
      const region = freshRegion("das");
      const t0 = Date.UTC(2030, 0, 1);
      await setControlClock(region, t0);
      try {
        const updated = await ok(
          "UpdateAccountSettings",
          { MinimumThroughputBillingCommitment: { Status: "ENABLED" } },
          region,
        );
        const described = await ok(OP, {}, region);
        expect(described).toEqual(updated);
        expect(described).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "ENABLED",
            StartedAt: t0 / 1000,
            EarliestAllowedEndAt: (t0 + DAY) / 1000,
          },
        });
        expect(await ok(OP, {}, freshRegion("das"))).toEqual({
          MinimumThroughputBillingCommitment: { Status: "DISABLED" },
        });
      } finally {
        await setControlClock(region, undefined);
      }
    });

    itInside("ends a scheduled end by itself once its time comes", async () => {
      const region = freshRegion("das");
      const t0 = Date.UTC(2030, 0, 1);
      await setControlClock(region, t0);
      try {
        await ok(
          "UpdateAccountSettings",
          { MinimumThroughputBillingCommitment: { Status: "ENABLED" } },
          region,
        );
        await setControlClock(region, t0 + 1000);
        await ok(
          "UpdateAccountSettings",
          { MinimumThroughputBillingCommitment: { Status: "DISABLED" } },
          region,
        );
        await setControlClock(region, t0 + DAY - 1);
        expect(await ok(OP, {}, region)).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END",
            StartedAt: t0 / 1000,
            EarliestAllowedEndAt: (t0 + DAY) / 1000,
            EndedAt: (t0 + DAY) / 1000,
          },
        });
        await setControlClock(region, t0 + DAY);
        expect(await ok(OP, {}, region)).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "DISABLED",
            StartedAt: t0 / 1000,
            EndedAt: (t0 + DAY) / 1000,
          },
        });
      } finally {
        await setControlClock(region, undefined);
      }
    });
  });
});
