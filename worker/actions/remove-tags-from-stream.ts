import { streamTarget, tagKeyList } from "../../src/kinesis/constraints.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
    return unwrap(
      await controlStub(env, scope.account, scope.region).removeTags(scope, name, input.TagKeys),
    );
  },
});
