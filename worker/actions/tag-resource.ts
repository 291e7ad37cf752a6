import { resourceArn, streamTarget, tagMap } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamOfResource } from "../control/resources.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** TagResource: AddTagsToStream for a resource named by ARN. */
export default defineAction({
  input: struct({
    Tags: required(tagMap),
    ResourceARN: required(resourceArn),
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamOfResource(scope, input.ResourceARN);
    return unwrap(
      await controlStub(env, scope.account, scope.region).addTags(scope, name, input.Tags),
    );
  },
});
