import { resourceArn, streamTarget } from "../../src/kinesis/constraints.js";
import type { ListTagsForResourceOutput } from "../../src/kinesis/model.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamOfResource } from "../control/resources.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** ListTagsForResource: every tag of a resource named by ARN, in key order. */
export default defineAction({
  input: struct({
    ResourceARN: required(resourceArn),
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }): Promise<ListTagsForResourceOutput> {
    const name = streamOfResource(scope, input.ResourceARN);
    const { Tags } = unwrap(
      await controlStub(env, scope.account, scope.region).listTags(scope, name),
    );
    return { Tags };
  },
});
