// @ts-check
/**
 * The ceiling: the least a Kinesis-shaped Worker can do on this runtime. It
 * reads every request body fully as bytes (never as text or JSON) and answers
 * a canned, valid response for the operation named by X-Amz-Target, so the
 * benchmark's client runs exactly the workload it runs against Tributary.
 *
 * - PutRecords: 500 successful records (built once), whatever the batch size;
 *   the body is read and dropped, never parsed. PutRecord likewise.
 * - GetRecords: a page of Limit records of B bytes of data (built once per
 *   size and cached in the isolate). The iterator carries how many records the
 *   shard still "holds"; the page after the last is empty with
 *   MillisBehindLatest 0, which is how the client knows it caught up.
 * - The small control operations (CreateStream, DescribeStreamSummary,
 *   ListShards, GetShardIterator, DeleteStream, ListStreams) answer what the
 *   client needs to go on. Only these and GetRecords decode their (small)
 *   bodies, to read the stream name, the shard and the iterator.
 *
 * Stream names carry what the ceiling cannot know: `-s<shards>` (default 4),
 * `-n<records>` (records the stream "holds", spread evenly over the shards;
 * default 0) and `-b<bytes>` (data bytes per record; default 1024), e.g.
 * `drain-s4-n200000-b1024`.
 */

const JSON_TYPE = "application/x-amz-json-1.1";
const SEQUENCE = "49650000000000000000000000000000000000000000000000000002";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** @param {number} index */
function shardId(index) {
  return `shardId-${String(index).padStart(12, "0")}`;
}

const PUT_RECORDS = encoder.encode(
  JSON.stringify({
    FailedRecordCount: 0,
    Records: Array.from({ length: 500 }, () => ({
      SequenceNumber: SEQUENCE,
      ShardId: shardId(0),
    })),
  }),
);
const PUT_RECORD = encoder.encode(
  JSON.stringify({ SequenceNumber: SEQUENCE, ShardId: shardId(0), EncryptionType: "NONE" }),
);
const EMPTY = new Uint8Array(0);

/**
 * @param {string} name
 * @returns {{ shards: number; records: number; bytes: number }}
 */
function parseName(name) {
  const field = (/** @type {string} */ letter, /** @type {number} */ fallback) => {
    const match = new RegExp(`-${letter}(\\d+)(?=-|$)`).exec(name);
    return match?.[1] === undefined ? fallback : Number(match[1]);
  };
  return { shards: Math.max(1, field("s", 4)), records: field("n", 0), bytes: field("b", 1024) };
}

/** @type {Map<string, Uint8Array>} */
const pages = new Map();

/**
 * A GetRecords page of `count` records of `bytes` data bytes, then `next`.
 * The records part is built once per (count, bytes); the iterator is spliced in.
 *
 * @param {number} count
 * @param {number} bytes
 * @param {string} next
 * @param {boolean} caughtUp
 */
function page(count, bytes, next, caughtUp) {
  const key = `${count}:${bytes}`;
  let records = pages.get(key);
  if (records === undefined) {
    let binary = "";
    for (let i = 0; i < bytes; i++) {
      binary += String.fromCharCode((i * 31) & 255);
    }
    const data = btoa(binary);
    const record = JSON.stringify({
      SequenceNumber: SEQUENCE,
      ApproximateArrivalTimestamp: 1_795_000_000.123,
      Data: data,
      PartitionKey: "pk",
      EncryptionType: "NONE",
    });
    records = encoder.encode(`{"Records":[${Array(count).fill(record).join(",")}],`);
    pages.set(key, records);
  }
  const tail = encoder.encode(
    `"NextShardIterator":${JSON.stringify(next)},"MillisBehindLatest":${caughtUp ? 0 : 1000}}`,
  );
  const body = new Uint8Array(records.length + tail.length);
  body.set(records, 0);
  body.set(tail, records.length);
  return body;
}

/**
 * @param {Uint8Array | string} body
 * @param {number} [status]
 */
function reply(body, status = 200) {
  return new Response(typeof body === "string" ? encoder.encode(body) : body, {
    status,
    headers: { "content-type": JSON_TYPE, "x-amzn-requestid": crypto.randomUUID() },
  });
}

/**
 * @param {ArrayBuffer} body
 * @returns {Record<string, unknown>}
 */
function small(body) {
  const parsed = JSON.parse(decoder.decode(body));
  return typeof parsed === "object" && parsed !== null ? parsed : {};
}

export default {
  /** @param {Request} request */
  async fetch(request) {
    const body = await request.arrayBuffer();
    const target = request.headers.get("x-amz-target") ?? "";
    const operation = target.slice(target.indexOf(".") + 1);
    switch (operation) {
      case "PutRecords":
        return reply(PUT_RECORDS);
      case "PutRecord":
        return reply(PUT_RECORD);
      case "CreateStream":
      case "DeleteStream":
        return reply(EMPTY);
      case "ListStreams":
        return reply('{"StreamNames":[],"HasMoreStreams":false,"StreamSummaries":[]}');
      case "DescribeStreamSummary": {
        const name = String(small(body).StreamName ?? "");
        return reply(
          JSON.stringify({
            StreamDescriptionSummary: {
              StreamName: name,
              StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
              StreamStatus: "ACTIVE",
              StreamModeDetails: { StreamMode: "PROVISIONED" },
              RetentionPeriodHours: 24,
              StreamCreationTimestamp: 1_795_000_000,
              EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
              EncryptionType: "NONE",
              OpenShardCount: parseName(name).shards,
              ConsumerCount: 0,
            },
          }),
        );
      }
      case "ListShards": {
        const { shards } = parseName(String(small(body).StreamName ?? ""));
        const step = 2n ** 128n / BigInt(shards);
        return reply(
          JSON.stringify({
            Shards: Array.from({ length: shards }, (_, i) => ({
              ShardId: shardId(i),
              HashKeyRange: {
                StartingHashKey: String(step * BigInt(i)),
                EndingHashKey: String(
                  i === shards - 1 ? 2n ** 128n - 1n : step * BigInt(i + 1) - 1n,
                ),
              },
              SequenceNumberRange: { StartingSequenceNumber: SEQUENCE },
            })),
          }),
        );
      }
      case "GetShardIterator": {
        const input = small(body);
        const { shards, records, bytes } = parseName(String(input.StreamName ?? ""));
        const index = Number(/(\d+)$/.exec(String(input.ShardId ?? ""))?.[1] ?? 0);
        const held =
          input.ShardIteratorType === "TRIM_HORIZON"
            ? Math.floor(records / shards) + (index < records % shards ? 1 : 0)
            : 0;
        return reply(JSON.stringify({ ShardIterator: `ceiling:${held}:${bytes}` }));
      }
      case "GetRecords": {
        const input = small(body);
        const [, held = "0", bytes = "1024"] = String(input.ShardIterator ?? "").split(":");
        const limit = typeof input.Limit === "number" ? input.Limit : 10_000;
        const count = Math.min(limit, Number(held));
        const left = Number(held) - count;
        return reply(page(count, Number(bytes), `ceiling:${left}:${bytes}`, left === 0));
      }
      default:
        return reply(
          JSON.stringify({
            __type: "UnknownOperationException",
            message: `The ceiling does not answer ${target}`,
          }),
          400,
        );
    }
  },
};
