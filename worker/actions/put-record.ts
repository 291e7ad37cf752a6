import {
  hashKey,
  partitionKey,
  sequenceNumber,
  streamTarget,
} from "../../src/kinesis/constraints.js";
import { KinesisError, recordNotWritten } from "../../src/kinesis/errors/index.js";
import type { PutRecordOutput } from "../../src/kinesis/model.js";
import { blob, required, struct } from "../../src/kinesis/shape.js";
import { routeOf } from "../clients/shard-map.js";
import { isWriteFailure, writeRecords } from "../clients/shards.js";
import { defineAction } from "./action.js";
import { checkRecordSizes, prepare } from "./records.js";
import { streamNameOf } from "./targets.js";

/**
 * PutRecord. SequenceNumberForOrdering is validated and then needs no work:
 * sequence numbers already rise strictly within a shard, so a record always
 * follows the one it names.
 */
export default defineAction({
  input: struct({
    StreamName: streamTarget.StreamName,
    Data: required(blob({ min: 0, max: 10485760 })),
    PartitionKey: required(partitionKey),
    ExplicitHashKey: hashKey,
    SequenceNumberForOrdering: sequenceNumber,
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }): Promise<PutRecordOutput> {
    const name = streamNameOf(scope, input);
    const records = prepare([input]);
    const route = await routeOf(env, scope, name);
    checkRecordSizes(route.maxRecordBytes, records, () => "data");
    const [result] = await writeRecords(env, scope, name, records, route);
    if (!result) throw recordNotWritten();
    if (isWriteFailure(result)) throw new KinesisError(result.ErrorCode, result.ErrorMessage);
    return result;
  },
});
