import { maxRecordSizeInKiB, streamTarget } from "../../src/kinesis/constraints.js";
import { KinesisError } from "../../src/kinesis/errors.js";
import { required, struct } from "../../src/kinesis/shape.js";
import { forgetRoute, streamNameOf } from "../data/routes.js";
import { unwrap } from "../rpc.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/**
 * UpdateMaxRecordSize: the largest record the stream takes, 1 to 10 MiB. Writers
 * check sizes against their cached route: this isolate forgets its route at
 * once, others when their cached route expires (data/routes.ts).
 */
export default defineAction({
  input: struct({
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
    MaxRecordSizeInKiB: required(maxRecordSizeInKiB),
  }),
  async handle(input, { env, scope }) {
    // The model has no StreamName here, and StreamARN is optional in it.
    if (input.StreamARN === undefined) {
      throw new KinesisError("InvalidArgumentException", "StreamARN must be provided.");
    }
    const name = streamNameOf(scope, { StreamARN: input.StreamARN });
    const result = unwrap(
      await controlStub(env, scope.account, scope.region).updateMaxRecordSize(
        scope,
        name,
        input.MaxRecordSizeInKiB,
      ),
    );
    forgetRoute(scope, name);
    return result;
  },
});
