/**
 * A subscriber's sink for SubscribeToShard: AWS's event stream
 * (`application/vnd.amazon.eventstream`), as the SDKs read it.
 *
 * The stream opens with an `initial-response` event (boto3 fails without it,
 * and the JavaScript SDK's `send` resolves only once a first message comes),
 * written before the shard reads anything. Then come SubscribeToShardEvent
 * events, with payloads in the request's codec (JSON 1.1, or CBOR 1.1 for the
 * Java SDK), and at the end either nothing more (a clean end) or one
 * exception message.
 *
 * The stream crosses RPC to the Worker, which answers with it. A write
 * settles only when the reader has taken the bytes, so a slow client holds
 * at most the event in flight; a write that fails means the client is gone.
 */
import type { KinesisError } from "../../src/kinesis/errors/index.js";
import type { SubscribeToShardEvent } from "../../src/kinesis/model.js";
import { cborCodec } from "../../src/protocol/cbor.js";
import type { Codec } from "../../src/protocol/codec.js";
import { eventMessage, exceptionMessage } from "../../src/protocol/event-stream.js";
import { jsonCodec } from "../../src/protocol/json.js";
import { recordsOf } from "./record-runs.js";
import type { PushedEvent, SubscriberSink } from "./subscribers.js";

/** The request's codec, by name: the shard's RPC carries the name, not the codec. */
export type EventStreamWire = "json" | "cbor";

const CODECS: Record<EventStreamWire, Codec> = { json: jsonCodec, cbor: cborCodec };

const utf8 = new TextEncoder();

function bytesOf(encoded: string | Uint8Array): Uint8Array {
  return typeof encoded === "string" ? utf8.encode(encoded) : encoded;
}

/** An event stream sink, and the stream the Worker answers with. */
export function eventStreamSink(wire: EventStreamWire): {
  sink: SubscriberSink;
  readable: ReadableStream<Uint8Array>;
} {
  const codec = CODECS[wire];
  // No buffering beyond the chunk being written: a write settles when the
  // reader pulls it, which is what tells the shard this subscriber is ready.
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(
    undefined,
    { highWaterMark: 0 },
    { highWaterMark: 0 },
  );
  const writer = writable.getWriter();
  let ended = false;
  /** Writes not yet taken by the reader. */
  let writing = 0;
  const sink: SubscriberSink = {
    wire: `event-stream/${wire}`,
    encode(event, format) {
      return eventMessage(
        "SubscribeToShardEvent",
        codec.contentType,
        bytesOf(codec.encode(eventBody(event, format))),
      );
    },
    write(bytes) {
      writing++;
      return writer.write(bytes).finally(() => {
        writing--;
      });
    },
    end(error) {
      if (ended) return;
      ended = true;
      // A write still in flight means the client is slow or gone: it gets no
      // more, not even the reason. Otherwise the stream ends with the error,
      // if any, then closes.
      if (writing > 0) {
        writer.abort().catch(() => {});
        return;
      }
      const last = error ? writer.write(exceptionOf(codec, error)) : Promise.resolve();
      last.then(() => writer.close()).catch(() => writer.abort().catch(() => {}));
    },
  };
  // Written now, before any event, and not awaited: it settles when the
  // client reads it.
  writer
    .write(eventMessage("initial-response", codec.contentType, bytesOf(codec.encode({}))))
    .catch(() => {});
  return { sink, readable };
}

/** A SubscribeToShardEvent's members, from a pushed event. */
function eventBody(
  event: PushedEvent,
  format: (position: number) => string,
): SubscribeToShardEvent {
  const body: SubscribeToShardEvent = {
    Records: recordsOf(event.runs, format),
    MillisBehindLatest: event.millisBehindLatest,
  };
  // The continuation is the last position sent, so AFTER_SEQUENCE_NUMBER
  // resumes with the first record not yet sent.
  if (event.next !== null) body.ContinuationSequenceNumber = format(event.next - 1);
  if (event.childShards) body.ChildShards = [...event.childShards];
  return body;
}

function exceptionOf(codec: Codec, error: KinesisError): Uint8Array {
  return exceptionMessage(
    error.type,
    codec.contentType,
    bytesOf(codec.encode({ message: error.message })),
  );
}
