import { streamTarget, tagMap } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** AddTagsToStream: adds tags, or replaces the values of keys the stream has; at most 50 a stream. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    Tags: required(tagMap),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    return unwrap(
      await controlStub(env, scope.account, scope.region).addTags(scope, name, input.Tags),
    );
  },
});
