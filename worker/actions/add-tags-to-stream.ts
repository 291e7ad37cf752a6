import { streamTarget, tagMap } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

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
    await controlPlane(env, scope).addTags(name, input.Tags);
    return {};
  },
});
