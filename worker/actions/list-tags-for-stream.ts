import { streamTarget, tagKey } from "../../src/kinesis/constraints.js";
import { integer, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/** ListTagsForStream: tags in key order, after ExclusiveStartTagKey, at most Limit of them. */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    ExclusiveStartTagKey: tagKey,
    Limit: integer({ min: 1, max: 50 }),
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, input);
    const page: { exclusiveStartTagKey?: string; limit?: number } = {};
    if (input.ExclusiveStartTagKey !== undefined)
      page.exclusiveStartTagKey = input.ExclusiveStartTagKey;
    if (input.Limit !== undefined) page.limit = input.Limit;
    return controlPlane(env, scope).listTags(name, page);
  },
});
