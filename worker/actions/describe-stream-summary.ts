import { streamTarget } from "../../src/kinesis/constraints.js";
import { struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/** DescribeStreamSummary. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    return controlPlane(env, scope).describeStreamSummary(name);
  },
});
