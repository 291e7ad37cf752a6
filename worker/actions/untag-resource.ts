import { resourceArn, streamTarget, tagKeyList } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamOfResource } from "../control/resources.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** UntagResource: RemoveTagsFromStream for a resource named by ARN. */
export default defineAction({
  input: struct({
    TagKeys: required(tagKeyList),
    ResourceARN: required(resourceArn),
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamOfResource(scope, input.ResourceARN);
    return unwrap(
      await controlStub(env, scope.account, scope.region).removeTags(scope, name, input.TagKeys),
    );
  },
});
