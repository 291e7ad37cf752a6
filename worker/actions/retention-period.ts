import { streamTarget } from "../../src/kinesis/constraints.js";
import { integer, required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * Increase- and DecreaseStreamRetentionPeriod share their input and differ
 * only in which way the control plane lets the retention move.
 */
export function retentionPeriodAction(direction: "increase" | "decrease") {
  return defineAction({
    input: struct({
      StreamName: streamTarget.StreamName,
      // The model gives no range; the bounds are checked with AWS's own messages.
      RetentionPeriodHours: required(integer()),
      StreamARN: streamTarget.StreamARN,
      StreamId: streamTarget.StreamId,
    }),
    async handle(input, { env, scope }) {
      const name = streamNameOf(scope, input);
      await controlPlane(env, scope).changeRetention(name, input.RetentionPeriodHours, direction);
      return {};
    },
  });
}
