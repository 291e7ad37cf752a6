/**
 * The contract between the bench's runner (bench/run.ts) and its load
 * generator (bench/client.ts): the one job the runner sends a client over
 * IPC, and the one reply it sends back. Both sides decode what they receive,
 * so a change on one side that the other does not know fails loudly.
 *
 * The results are written into bench/results/*.json as they are, so the
 * order and names of their fields are part of that file's format.
 *
 * @example
 * child.send(job);                                          // bench/run.ts
 * const reply = decodeReply(message, decodePutResult);      // bench/run.ts
 * const job = decodeJob(message);                           // bench/client.ts
 */
import {
  arrayOf,
  type Decoder,
  type Fields,
  nullable,
  number,
  object,
  oneOf,
  string,
} from "./support/decode.ts";

export interface PutJob {
  kind: "put";
  endpoint: string;
  stream: string;
  shards: number;
  recordBytes: number;
  producers: number;
  warmupSeconds: number;
  seconds: number;
  timeoutMs: number;
}

export interface DrainJob {
  kind: "drain";
  endpoint: string;
  stream: string;
  shards: number;
  records: number;
  recordBytes: number;
  producers: number;
  limit: number;
  timeoutMs: number;
}

export interface LatencyJob {
  kind: "latency";
  endpoint: string;
  stream: string;
  shards: number;
  rate: number;
  /** Connections for the producer's PutRecord calls. */
  producers: number;
  /** Whether records put can be read back (not so for the ceiling). */
  delivers: boolean;
  warmupSeconds: number;
  seconds: number;
  timeoutMs: number;
}

export type Job = PutJob | DrainJob | LatencyJob;

/** Percentiles of call or put-to-read latencies, in ms; null without values. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Errors: how many, and the first few distinct messages. */
export interface ErrorSummary {
  count: number;
  samples: string[];
}

export interface PutResult {
  recordBytes: number;
  batchRecords: number;
  seconds: number;
  calls: number;
  records: number;
  warmupRecords: number;
  recordsPerSecond: number;
  mibPerSecond: number;
  callLatencyMs: LatencySummary;
  failedRecords: number;
  errors: ErrorSummary;
  deleteError: string | null;
}

export interface DrainResult {
  recordBytes: number;
  limit: number;
  load: {
    records: number;
    failedRecords: number;
    seconds: number;
    recordsPerSecond: number;
    errors: ErrorSummary;
  };
  shards: number;
  written: number;
  read: number;
  readBytes: number;
  verified: boolean;
  calls: number;
  seconds: number;
  recordsPerSecond: number;
  mibPerSecond: number;
  callLatencyMs: LatencySummary;
  errors: ErrorSummary;
  deleteError: string | null;
}

export interface LatencyResult {
  rate: number;
  seconds: number;
  sent: number;
  achievedRate: number;
  measured: number;
  /** null for a target that stores nothing (the ceiling). */
  received: number | null;
  missing: number | null;
  latencyMs: LatencySummary | null;
  putCallLatencyMs: LatencySummary;
  getRecordsCallLatencyMs: LatencySummary;
  getRecordsCallsPerSecond: number;
  putErrors: ErrorSummary;
  readErrors: ErrorSummary;
  deleteError: string | null;
}

/** What a client sends back: its result, or why there is none. */
export type Reply<R> = { ok: true; result: R } | { ok: false; error: string };

// ---------------------------------------------------------------- decoders

const common = (o: Fields) => ({
  endpoint: o.string("endpoint"),
  stream: o.string("stream"),
  shards: o.number("shards"),
});

/** The job a client receives. */
export const decodeJob: Decoder<Job> = object((o): Job => {
  const kind = o.get("kind", oneOf(["put", "drain", "latency"]));
  switch (kind) {
    case "put":
      return {
        kind,
        ...common(o),
        recordBytes: o.number("recordBytes"),
        producers: o.number("producers"),
        warmupSeconds: o.number("warmupSeconds"),
        seconds: o.number("seconds"),
        timeoutMs: o.number("timeoutMs"),
      };
    case "drain":
      return {
        kind,
        ...common(o),
        records: o.number("records"),
        recordBytes: o.number("recordBytes"),
        producers: o.number("producers"),
        limit: o.number("limit"),
        timeoutMs: o.number("timeoutMs"),
      };
    case "latency":
      return {
        kind,
        ...common(o),
        rate: o.number("rate"),
        producers: o.number("producers"),
        delivers: o.boolean("delivers"),
        warmupSeconds: o.number("warmupSeconds"),
        seconds: o.number("seconds"),
        timeoutMs: o.number("timeoutMs"),
      };
  }
});

const latencySummary: Decoder<LatencySummary> = object((o) => ({
  count: o.number("count"),
  p50: o.get("p50", nullable(number)),
  p90: o.get("p90", nullable(number)),
  p99: o.get("p99", nullable(number)),
  max: o.get("max", nullable(number)),
}));

const errorSummary: Decoder<ErrorSummary> = object((o) => ({
  count: o.number("count"),
  samples: o.get("samples", arrayOf(string)),
}));

export const decodePutResult: Decoder<PutResult> = object((o) => ({
  recordBytes: o.number("recordBytes"),
  batchRecords: o.number("batchRecords"),
  seconds: o.number("seconds"),
  calls: o.number("calls"),
  records: o.number("records"),
  warmupRecords: o.number("warmupRecords"),
  recordsPerSecond: o.number("recordsPerSecond"),
  mibPerSecond: o.number("mibPerSecond"),
  callLatencyMs: o.get("callLatencyMs", latencySummary),
  failedRecords: o.number("failedRecords"),
  errors: o.get("errors", errorSummary),
  deleteError: o.get("deleteError", nullable(string)),
}));

export const decodeDrainResult: Decoder<DrainResult> = object((o) => ({
  recordBytes: o.number("recordBytes"),
  limit: o.number("limit"),
  load: o.get(
    "load",
    object((load) => ({
      records: load.number("records"),
      failedRecords: load.number("failedRecords"),
      seconds: load.number("seconds"),
      recordsPerSecond: load.number("recordsPerSecond"),
      errors: load.get("errors", errorSummary),
    })),
  ),
  shards: o.number("shards"),
  written: o.number("written"),
  read: o.number("read"),
  readBytes: o.number("readBytes"),
  verified: o.boolean("verified"),
  calls: o.number("calls"),
  seconds: o.number("seconds"),
  recordsPerSecond: o.number("recordsPerSecond"),
  mibPerSecond: o.number("mibPerSecond"),
  callLatencyMs: o.get("callLatencyMs", latencySummary),
  errors: o.get("errors", errorSummary),
  deleteError: o.get("deleteError", nullable(string)),
}));

export const decodeLatencyResult: Decoder<LatencyResult> = object((o) => ({
  rate: o.number("rate"),
  seconds: o.number("seconds"),
  sent: o.number("sent"),
  achievedRate: o.number("achievedRate"),
  measured: o.number("measured"),
  received: o.get("received", nullable(number)),
  missing: o.get("missing", nullable(number)),
  latencyMs: o.get("latencyMs", nullable(latencySummary)),
  putCallLatencyMs: o.get("putCallLatencyMs", latencySummary),
  getRecordsCallLatencyMs: o.get("getRecordsCallLatencyMs", latencySummary),
  getRecordsCallsPerSecond: o.number("getRecordsCallsPerSecond"),
  putErrors: o.get("putErrors", errorSummary),
  readErrors: o.get("readErrors", errorSummary),
  deleteError: o.get("deleteError", nullable(string)),
}));

/** A client's reply, its result read with `result`. */
export function decodeReply<R>(value: unknown, result: Decoder<R>): Reply<R> {
  return object((o): Reply<R> => {
    return o.boolean("ok")
      ? { ok: true, result: o.get("result", result) }
      : { ok: false, error: o.string("error") };
  })(value, "reply");
}
