import { describe, expect, it } from "vitest";
import {
  expectValidation,
  failure,
  freshRegion,
  ok,
  refusesWrongTypes,
  rule,
  setControlClock,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";
import { describeEachWire } from "../support/wire.js";

const OP = "UpdateAccountSettings";
const DAY = 24 * 3_600_000;
const T0 = Date.UTC(2030, 0, 1);
const s = (ms: number) => ms / 1000;

/** Runs `steps` in a fresh region whose control plane reads `at(…)` as its clock. */
async function inRegion(
  steps: (region: string, at: (ms: number) => Promise<void>) => Promise<void>,
): Promise<void> {
  const region = freshRegion("uas");
  const at = (ms: number) => setControlClock(region, ms);
  await at(T0);
  try {
    await steps(region, at);
  } finally {
    await setControlClock(region, undefined);
  }
}

const update = (region: string, Status: string) =>
  ok(OP, { MinimumThroughputBillingCommitment: { Status } }, region);

describeEachWire("UpdateAccountSettings", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["MinimumThroughputBillingCommitment", "Structure"],
      ["MinimumThroughputBillingCommitment.Status", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires MinimumThroughputBillingCommitment and its Status", async () => {
      await expectValidation(OP, {}, [
        failure("null", "minimumThroughputBillingCommitment", rule.notNull),
      ]);
      await expectValidation(OP, { MinimumThroughputBillingCommitment: {} }, [
        failure("null", "minimumThroughputBillingCommitment.status", rule.notNull),
      ]);
    });

    it("takes only ENABLED or DISABLED", async () => {
      for (const status of ["ENABLED_UNTIL_EARLIEST_ALLOWED_END", "enabled", ""]) {
        await expectValidation(OP, { MinimumThroughputBillingCommitment: { Status: status } }, [
          failure(
            `'${status}'`,
            "minimumThroughputBillingCommitment.status",
            rule.enum(["ENABLED", "DISABLED"]),
          ),
        ]);
      }
    });
  });

  describe("behaviour", () => {
    itInside(
      "enables a commitment that lasts at least 24 hours, and answers with the settings",
      async () => {
        await inRegion(async (region) => {
          expect(await update(region, "ENABLED")).toEqual({
            MinimumThroughputBillingCommitment: {
              Status: "ENABLED",
              StartedAt: s(T0),
              EarliestAllowedEndAt: s(T0 + DAY),
            },
          });
        });
      },
    );

    itInside("changes nothing when asked to enable an enabled commitment", async () => {
      await inRegion(async (region, at) => {
        await update(region, "ENABLED");
        await at(T0 + 5000);
        expect(await update(region, "ENABLED")).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "ENABLED",
            StartedAt: s(T0),
            EarliestAllowedEndAt: s(T0 + DAY),
          },
        });
      });
    });

    itInside(
      "schedules the end of a commitment disabled too early for its earliest allowed end",
      async () => {
        await inRegion(async (region, at) => {
          await update(region, "ENABLED");
          await at(T0 + 3_600_000);
          const scheduled = {
            MinimumThroughputBillingCommitment: {
              Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END",
              StartedAt: s(T0),
              EarliestAllowedEndAt: s(T0 + DAY),
              EndedAt: s(T0 + DAY),
            },
          };
          expect(await update(region, "DISABLED")).toEqual(scheduled);
          // Asking again changes nothing.
          expect(await update(region, "DISABLED")).toEqual(scheduled);
          await at(T0 + DAY);
          expect(await ok("DescribeAccountSettings", {}, region)).toEqual({
            MinimumThroughputBillingCommitment: {
              Status: "DISABLED",
              StartedAt: s(T0),
              EndedAt: s(T0 + DAY),
            },
          });
        });
      },
    );

    itInside("cancels a scheduled end when enabled again before it", async () => {
      await inRegion(async (region, at) => {
        await update(region, "ENABLED");
        await at(T0 + 1000);
        await update(region, "DISABLED");
        await at(T0 + 2000);
        expect(await update(region, "ENABLED")).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "ENABLED",
            StartedAt: s(T0),
            EarliestAllowedEndAt: s(T0 + DAY),
          },
        });
        await at(T0 + 2 * DAY);
        expect(
          (
            (await ok("DescribeAccountSettings", {}, region))
              .MinimumThroughputBillingCommitment as {
              Status: string;
            }
          ).Status,
        ).toBe("ENABLED");
      });
    });

    itInside("disables at once after the earliest allowed end", async () => {
      await inRegion(async (region, at) => {
        await update(region, "ENABLED");
        await at(T0 + DAY + 1);
        expect(await update(region, "DISABLED")).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "DISABLED",
            StartedAt: s(T0),
            EndedAt: s(T0 + DAY + 1),
          },
        });
      });
    });

    itInside("starts a new commitment when enabled after one ended", async () => {
      await inRegion(async (region, at) => {
        await update(region, "ENABLED");
        await at(T0 + 2 * DAY);
        await update(region, "DISABLED");
        await at(T0 + 3 * DAY);
        expect(await update(region, "ENABLED")).toEqual({
          MinimumThroughputBillingCommitment: {
            Status: "ENABLED",
            StartedAt: s(T0 + 3 * DAY),
            EarliestAllowedEndAt: s(T0 + 4 * DAY),
          },
        });
      });
    });

    itInside(
      "changes nothing when asked to disable a commitment that was never enabled",
      async () => {
        await inRegion(async (region) => {
          expect(await update(region, "DISABLED")).toEqual({
            MinimumThroughputBillingCommitment: { Status: "DISABLED" },
          });
        });
      },
    );
  });
});
