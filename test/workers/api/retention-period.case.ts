/**
 * What IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod share:
 * the bounds of a retention period, in AWS's words, the stream they act on,
 * and how the stream reports the period they set. Each operation's
 * serialization and validation tables, and the way it moves the period, stay
 * in its suite.
 *
 * Call `validation()` inside the suite's `describe("validation")` and
 * `behaviour()` inside its `describe("behaviour")`.
 */
import { expect, it } from "vitest";
import {
  call,
  createStream,
  expectError,
  expectRefusedWhileCreating,
  ok,
  refusesMissingStream,
  shardObject,
  streamArnOf,
  summaryOf,
  uniqueName,
} from "../support/kinesis.js";
import { itInside } from "../support/transport.js";

/** The periods an operation's shared cases use, in hours. A new stream keeps 24. */
export interface RetentionChange {
  /** A period the operation takes on a new stream. */
  readonly onNewStream: number;
  /** The stream's period before the change (set with IncreaseStreamRetentionPeriod when not 24). */
  readonly from: number;
  /** What the operation sets by StreamName. */
  readonly byName: number;
  /** What the operation sets by StreamARN. */
  readonly byArn: number;
}

/**
 * How many records a shard of a live stream still stores. The shard's RPC
 * methods answer `{ ok: value }`; anything else is a failure of the test.
 */
export async function storedRecords(name: string, shardId: string): Promise<number> {
  const reply: unknown = await (await shardObject(name, shardId)).count();
  if (typeof reply === "object" && reply !== null && "ok" in reply) {
    const { ok: count } = reply;
    if (typeof count === "number") return count;
  }
  throw new Error(`count of ${shardId} in ${name} answered ${JSON.stringify(reply)}`);
}

/** A new stream whose retention is `hours`. */
async function streamKeeping(prefix: string, hours: number, shards = 1): Promise<string> {
  const name = uniqueName(prefix);
  await createStream(name, shards);
  if (hours !== 24) {
    await ok("IncreaseStreamRetentionPeriod", { StreamName: name, RetentionPeriodHours: hours });
  }
  return name;
}

export function retentionPeriodCases(
  operation: string,
  change: RetentionChange,
): { validation(): void; behaviour(): void } {
  const OP = operation;
  return {
    validation() {
      it("refuses fewer than 24 hours, in AWS's words", async () => {
        const name = uniqueName(`${OP}-short`);
        await createStream(name, 1);
        for (const hours of [23, 1, 0, -1]) {
          await expectError(
            OP,
            { StreamName: name, RetentionPeriodHours: hours },
            "InvalidArgumentException",
            `Minimum allowed retention period is 24 hours. Requested retention period (${hours} hours) is too short.`,
          );
        }
      });

      it("refuses more than 8760 hours, in AWS's words", async () => {
        const name = uniqueName(`${OP}-long`);
        await createStream(name, 1);
        for (const hours of [8761, 100000]) {
          await expectError(
            OP,
            { StreamName: name, RetentionPeriodHours: hours },
            "InvalidArgumentException",
            `Maximum allowed retention period is 8760 hours. Requested retention period (${hours} hours) is too long.`,
          );
        }
      });

      refusesMissingStream(OP, `${OP}-none`, (name) => ({
        StreamName: name,
        RetentionPeriodHours: change.onNewStream,
      }));

      itInside("refuses a stream that is not ACTIVE", async () => {
        const { name, region } = await expectRefusedWhileCreating(OP, `${OP}-busy`, (name) => ({
          StreamName: name,
          RetentionPeriodHours: change.onNewStream,
        }));
        expect((await summaryOf(name, region)).RetentionPeriodHours).toBe(24);
      });
    },

    behaviour() {
      it("answers with an empty body, and DescribeStream and DescribeStreamSummary report the period", async () => {
        const name = await streamKeeping(`${OP}-set`, change.from, 2);
        const answer = await call(OP, { StreamName: name, RetentionPeriodHours: change.byName });
        expect(answer.status).toBe(200);
        expect(answer.text).toBe("");
        expect((await summaryOf(name)).RetentionPeriodHours).toBe(change.byName);
        const described = await ok("DescribeStream", { StreamName: name });
        expect(described.StreamDescription).toMatchObject({
          RetentionPeriodHours: change.byName,
        });
      });

      it("accepts StreamARN", async () => {
        const name = await streamKeeping(`${OP}-arn`, change.from);
        await ok(OP, { StreamARN: streamArnOf(name), RetentionPeriodHours: change.byArn });
        expect((await summaryOf(name)).RetentionPeriodHours).toBe(change.byArn);
      });

      it("accepts the period the stream already has", async () => {
        const name = await streamKeeping(`${OP}-same`, change.from);
        await ok(OP, { StreamName: name, RetentionPeriodHours: change.from });
        expect((await summaryOf(name)).RetentionPeriodHours).toBe(change.from);
      });
    },
  };
}
