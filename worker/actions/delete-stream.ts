import { streamTarget } from "../../src/kinesis/constraints.js";
import { boolean, struct } from "../../src/kinesis/shape.js";
import { forgetRoute, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** DeleteStream: DELETING for a while, then gone; the data is unreachable at once. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    EnforceConsumerDeletion: boolean(),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    const result = unwrap(
      await controlStub(env, scope.account, scope.region).deleteStream(scope, name),
    );
    forgetRoute(scope, name);
    return result;
  },
});
