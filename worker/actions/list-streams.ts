import { listLimit, nextToken, streamName } from "../../src/kinesis/constraints.js";
import { struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";

/** ListStreams, with StreamSummaries, in name order, paged by ExclusiveStartStreamName or NextToken. */
export default defineAction({
  input: struct({
    Limit: listLimit,
    ExclusiveStartStreamName: streamName,
    NextToken: nextToken,
  }),
  async handle(input, { env, scope }) {
    const page: { limit?: number; exclusiveStartStreamName?: string; nextToken?: string } = {};
    if (input.Limit !== undefined) page.limit = input.Limit;
    if (input.ExclusiveStartStreamName !== undefined)
      page.exclusiveStartStreamName = input.ExclusiveStartStreamName;
    if (input.NextToken !== undefined) page.nextToken = input.NextToken;
    return controlPlane(env, scope).listStreams(page);
  },
});
