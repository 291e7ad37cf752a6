/**
 * Our event-stream framing against the AWS SDK's own codec: what we encode,
 * the SDK decodes, and the other way round.
 */
import { EventStreamCodec } from "@smithy/core/event-streams";
import { describe, expect, it } from "vitest";
import {
  EventStreamDecoder,
  encodeMessage,
  eventMessage,
} from "../../src/protocol/event-stream.ts";

const utf8 = new TextEncoder();
// The SDK's codec takes its UTF-8 conversions: bytes to text, then text to bytes.
const sdk = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => utf8.encode(text),
);

describe("the event-stream framing, against the AWS SDK's codec", () => {
  it("encodes events the SDK decodes", () => {
    const decoded = sdk.decode(
      eventMessage(
        "SubscribeToShardEvent",
        "application/x-amz-json-1.1",
        utf8.encode('{"Records":[]}'),
      ),
    );
    expect(decoded.headers).toEqual({
      ":message-type": { type: "string", value: "event" },
      ":event-type": { type: "string", value: "SubscribeToShardEvent" },
      ":content-type": { type: "string", value: "application/x-amz-json-1.1" },
    });
    expect(new TextDecoder().decode(decoded.body)).toBe('{"Records":[]}');
  });

  it("decodes what the SDK encodes, every header type included", () => {
    const bytes = sdk.encode({
      headers: {
        b: { type: "boolean", value: true },
        i: { type: "integer", value: 42 },
        s: { type: "string", value: "text" },
        x: { type: "binary", value: Uint8Array.of(9, 8) },
        t: { type: "timestamp", value: new Date(1764201600000) },
      },
      body: utf8.encode("payload"),
    });
    const [message] = new EventStreamDecoder().push(bytes);
    expect(message?.headers).toEqual({
      b: true,
      i: 42,
      s: "text",
      x: Uint8Array.of(9, 8),
      t: new Date(1764201600000),
    });
    expect(new TextDecoder().decode(message?.payload)).toBe("payload");
    // And our encoding of the same decodes back in the SDK's to the same bytes.
    expect(
      sdk.decode(
        encodeMessage({
          headers: message?.headers ?? {},
          payload: message?.payload ?? new Uint8Array(0),
        }),
      ).body,
    ).toEqual(utf8.encode("payload"));
  });
});
