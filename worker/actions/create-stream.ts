import {
  maxRecordSizeInKiB,
  naturalInteger,
  STREAM_MODES,
  streamName,
  tagMap,
} from "../../src/kinesis/constraints.js";
import { integer, required, string, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import type { CreateStreamRequest } from "../control/contract.js";
import { defineAction } from "./action.js";

/**
 * CreateStream: PROVISIONED with ShardCount, or ON_DEMAND through
 * StreamModeDetails. Tags are checked as AddTagsToStream checks them, and
 * WarmThroughputMiBps as UpdateStreamWarmThroughput checks it.
 */
export default defineAction({
  input: struct({
    StreamName: required(streamName),
    ShardCount: integer({ min: 1 }),
    StreamModeDetails: struct({ StreamMode: required(string({ enum: STREAM_MODES })) }),
    Tags: tagMap,
    WarmThroughputMiBps: naturalInteger,
    MaxRecordSizeInKiB: maxRecordSizeInKiB,
  }),
  async handle(input, { env, scope }) {
    const request: CreateStreamRequest = {
      name: input.StreamName,
      mode: input.StreamModeDetails?.StreamMode ?? "PROVISIONED",
    };
    if (input.ShardCount !== undefined) request.shardCount = input.ShardCount;
    if (input.MaxRecordSizeInKiB !== undefined) request.maxRecordKib = input.MaxRecordSizeInKiB;
    if (input.Tags !== undefined) request.tags = input.Tags;
    if (input.WarmThroughputMiBps !== undefined)
      request.warmThroughputMiBps = input.WarmThroughputMiBps;
    await controlPlane(env, scope).createStream(request);
    forgetRoute(scope, input.StreamName);
    return {};
  },
});
