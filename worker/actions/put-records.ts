import {
  hashKey,
  MAX_PUT_RECORDS_BYTES,
  partitionKey,
  streamTarget,
} from "../../src/kinesis/constraints.js";
import { recordsTooLarge } from "../../src/kinesis/errors/index.js";
import type { PutRecordsOutput } from "../../src/kinesis/model.js";
import { blob, list, required, struct } from "../../src/kinesis/shape.js";
import { routeOf } from "../clients/shard-map.js";
import { isWriteFailure, writeRecords } from "../clients/shards.js";
import { defineAction } from "./action.js";
import { checkRecordSizes, prepare } from "./records.js";
import { streamNameOf } from "./targets.js";

/** PutRecords: up to 500 entries, one result per entry, one append per shard touched. */
export default defineAction({
  input: struct({
    Records: required(
      list(
        struct(
          {
            Data: required(blob({ min: 0, max: 10485760 })),
            ExplicitHashKey: hashKey,
            PartitionKey: required(partitionKey),
          },
          "PutRecordsRequestEntry",
        ),
        { min: 1, max: 500 },
      ),
    ),
    StreamName: streamTarget.StreamName,
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }): Promise<PutRecordsOutput> {
    const name = streamNameOf(scope, input);
    const records = prepare(input.Records);
    let bytes = 0;
    for (const record of records) bytes += record.data.byteLength + record.key.byteLength;
    if (bytes > MAX_PUT_RECORDS_BYTES) throw recordsTooLarge();
    const route = await routeOf(env, scope, name);
    checkRecordSizes(route.maxRecordBytes, records, (i) => `records.${i + 1}.member.data`);
    const results = await writeRecords(env, scope, name, records, route);
    return { FailedRecordCount: results.filter(isWriteFailure).length, Records: results };
  },
});
