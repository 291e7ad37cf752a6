import { streamTarget } from "../../src/kinesis/constraints.js";
import { struct } from "../../src/kinesis/shape.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** DescribeStreamSummary. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    return unwrap(
      await controlStub(env, scope.account, scope.region).describeStreamSummary(scope, name),
    );
  },
});
