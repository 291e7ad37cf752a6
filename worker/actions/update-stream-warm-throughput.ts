import { naturalInteger, streamTarget } from "../../src/kinesis/constraints.js";
import type { UpdateStreamWarmThroughputOutput } from "../../src/kinesis/model.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * UpdateStreamWarmThroughput: for on-demand streams of accounts with the
 * MinimumThroughputBillingCommitment enabled, as the model documents.
 */
export default defineAction({
  input: struct({
    StreamARN: streamTarget.StreamARN,
    StreamName: streamTarget.StreamName,
    StreamId: streamTarget.StreamId,
    WarmThroughputMiBps: required(naturalInteger),
  }),
  async handle(input, { env, scope }): Promise<UpdateStreamWarmThroughputOutput> {
    const name = streamNameOf(scope, input);
    return controlPlane(env, scope).updateWarmThroughput(name, input.WarmThroughputMiBps);
  },
});
