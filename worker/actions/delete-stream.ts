import { streamTarget } from "../../src/kinesis/constraints.js";
import { boolean, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

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
    await controlPlane(env, scope).deleteStream(name);
    forgetRoute(scope, name);
    return {};
  },
});
