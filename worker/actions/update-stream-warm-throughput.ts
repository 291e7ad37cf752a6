import { naturalInteger, streamTarget } from "../../src/kinesis/constraints.js";
import type { UpdateStreamWarmThroughputOutput } from "../../src/kinesis/model.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

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
    return unwrap(
      await controlStub(env, scope.account, scope.region).updateWarmThroughput(
        scope,
        name,
        input.WarmThroughputMiBps,
      ),
    );
  },
});
