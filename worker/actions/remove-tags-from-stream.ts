import { streamTarget, tagKeyList } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/** RemoveTagsFromStream: keys the stream does not have are ignored, as AWS documents. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    TagKeys: required(tagKeyList),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    await controlPlane(env, scope).removeTags(name, input.TagKeys);
    return {};
  },
});
