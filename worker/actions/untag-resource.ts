import { resourceArn, streamTarget, tagKeyList } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamOfResource } from "./targets.js";

/** UntagResource: RemoveTagsFromStream for a resource named by ARN. */
export default defineAction({
  input: struct({
    TagKeys: required(tagKeyList),
    ResourceARN: required(resourceArn),
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamOfResource(scope, input.ResourceARN);
    await controlPlane(env, scope).removeTags(name, input.TagKeys);
    return {};
  },
});
