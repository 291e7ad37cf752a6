/**
 * The read path's last step: a shard answers GetRecords with runs of packed
 * records (see shard/types.ts), and the Worker unpacks them straight into the
 * response.
 */
import type { RecordOut } from "../../src/kinesis/model.js";
import { unpack } from "../shard/segment.js";
import type { RecordRun } from "../shard/types.js";

/** Unpacks a read's runs into response records; the data stays a view into each run. */
export function recordsOf(
  runs: readonly RecordRun[],
  format: (position: number) => string,
): RecordOut[] {
  const records: RecordOut[] = [];
  for (const run of runs) {
    const arrival = new Date(run.arrival);
    unpack(run.body, 0, (record, index) => {
      records.push({
        SequenceNumber: format(run.firstPosition + index),
        ApproximateArrivalTimestamp: arrival,
        Data: record.data,
        PartitionKey: record.partitionKey,
      });
      return true;
    });
  }
  return records;
}
