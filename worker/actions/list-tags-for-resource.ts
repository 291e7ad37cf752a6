import { resourceArn, streamTarget } from "../../src/kinesis/constraints.js";
import type { ListTagsForResourceOutput } from "../../src/kinesis/model.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamOfResource } from "./targets.js";

/** ListTagsForResource: every tag of a resource named by ARN, in key order. */
export default defineAction({
  input: struct({
    ResourceARN: required(resourceArn),
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }): Promise<ListTagsForResourceOutput> {
    const name = streamOfResource(scope, input.ResourceARN);
    const { Tags } = await controlPlane(env, scope).listTags(name);
    return { Tags };
  },
});
