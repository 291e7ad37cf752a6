import { streamTarget } from "../../src/kinesis/constraints.js";
import { integer, required, struct } from "../../src/kinesis/shape.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
      return unwrap(
        await controlStub(env, scope.account, scope.region).changeRetention(
          scope,
          name,
          input.RetentionPeriodHours,
          direction,
        ),
      );
    },
  });
}
