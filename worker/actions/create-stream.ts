import { STREAM_MODES, streamName } from "../../src/kinesis/constraints.js";
import { integer, map, required, string, struct } from "../../src/kinesis/shape.js";
import { forgetRoute } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** CreateStream: PROVISIONED with ShardCount, or ON_DEMAND through StreamModeDetails. */
export default defineAction({
  input: struct({
    StreamName: required(streamName),
    ShardCount: integer({ min: 1 }),
    StreamModeDetails: struct({ StreamMode: required(string({ enum: STREAM_MODES })) }),
    Tags: map(string({ min: 1, max: 128 }), string({ min: 0, max: 256 }), { min: 1, max: 200 }),
    WarmThroughputMiBps: integer({ min: 0 }),
    MaxRecordSizeInKiB: integer({ min: 1024, max: 10240 }),
  }),
  async handle(input, { env, scope }) {
    const mode = input.StreamModeDetails?.StreamMode ?? "PROVISIONED";
    const request: { name: string; mode: typeof mode; shardCount?: number; maxRecordKib?: number } =
      {
        name: input.StreamName,
        mode,
      };
    if (input.ShardCount !== undefined) request.shardCount = input.ShardCount;
    if (input.MaxRecordSizeInKiB !== undefined) request.maxRecordKib = input.MaxRecordSizeInKiB;
    const result = unwrap(
      await controlStub(env, scope.account, scope.region).createStream(scope, request),
    );
    forgetRoute(scope, input.StreamName);
    return result;
  },
});
