import { resourceArn, streamTarget, tagMap } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamOfResource } from "./targets.js";

/** TagResource: AddTagsToStream for a resource named by ARN. */
export default defineAction({
  input: struct({
    Tags: required(tagMap),
    ResourceARN: required(resourceArn),
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamOfResource(scope, input.ResourceARN);
    await controlPlane(env, scope).addTags(name, input.Tags);
    return {};
  },
});
