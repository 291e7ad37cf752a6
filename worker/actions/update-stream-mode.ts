import { naturalInteger, STREAM_MODES, streamTarget } from "../../src/kinesis/constraints.js";
import { required, string, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * UpdateStreamMode: PROVISIONED or ON_DEMAND. An on-demand stream starts at
 * four shards and splits its hot shards by itself (control-plane.ts,
 * `scaleUp`); WarmThroughputMiBps is checked as UpdateStreamWarmThroughput
 * checks it.
 */
export default defineAction({
  input: struct({
    StreamARN: required(streamTarget.StreamARN),
    StreamId: streamTarget.StreamId,
    StreamModeDetails: required(struct({ StreamMode: required(string({ enum: STREAM_MODES })) })),
    WarmThroughputMiBps: naturalInteger,
  }),
  async handle(input, { env, scope }) {
    const name = streamNameOf(scope, { StreamARN: input.StreamARN });
    await controlPlane(env, scope).updateStreamMode(
      name,
      input.StreamModeDetails.StreamMode,
      input.WarmThroughputMiBps,
    );
    forgetRoute(scope, name);
    return {};
  },
});
