import { maxRecordSizeInKiB, streamTarget } from "../../src/kinesis/constraints.js";
import { streamArnRequired } from "../../src/kinesis/errors/index.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { forgetRoute } from "../clients/shard-map.js";
import { defineAction } from "./action.js";
import { streamNameOf } from "./targets.js";

/**
 * UpdateMaxRecordSize: the largest record the stream takes, 1 to 10 MiB. Writers
 * check sizes against their cached route: this isolate forgets its route at
 * once, others when their cached route expires (clients/shard-map.ts).
 */
export default defineAction({
  input: struct({
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
    MaxRecordSizeInKiB: required(maxRecordSizeInKiB),
  }),
  async handle(input, { env, scope }) {
    // The model has no StreamName here, and StreamARN is optional in it.
    if (input.StreamARN === undefined) throw streamArnRequired();
    const name = streamNameOf(scope, { StreamARN: input.StreamARN });
    await controlPlane(env, scope).updateMaxRecordSize(name, input.MaxRecordSizeInKiB);
    forgetRoute(scope, name);
    return {};
  },
});
