/**
 * Runs of packed records (a read's answer, or an append pushed to
 * subscribers) unpacked into the API's records: GetRecords' and
 * SubscribeToShardEvent's `Records`.
 */
import type { RecordOut } from "../../src/kinesis/model.js";
import type { RecordRun } from "./contract.js";
import { unpack } from "./segment.js";

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
