import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  crc32,
  EventStreamDecoder,
  encodeMessage,
  eventMessage,
  exceptionMessage,
} from "../../../src/protocol/event-stream.js";

const utf8 = new TextEncoder();

describe("the event-stream framing", () => {
  it("computes CRC-32 as zlib does", () => {
    expect(crc32(utf8.encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // A running value continues across pieces.
    expect(crc32(utf8.encode("6789"), crc32(utf8.encode("12345")))).toBe(0xcbf43926);
  });

  it("frames an event with its prelude, headers, payload and CRCs", () => {
    const bytes = eventMessage(
      "SubscribeToShardEvent",
      "application/x-amz-json-1.1",
      utf8.encode("{}"),
    );
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0)).toBe(bytes.length);
    expect(view.getUint32(8)).toBe(crc32(bytes.subarray(0, 8)));
    expect(view.getUint32(bytes.length - 4)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
    const [message] = new EventStreamDecoder().push(bytes);
    expect(message?.headers).toEqual({
      ":message-type": "event",
      ":event-type": "SubscribeToShardEvent",
      ":content-type": "application/x-amz-json-1.1",
    });
    expect(new TextDecoder().decode(message?.payload)).toBe("{}");
  });

  it("frames an exception", () => {
    const bytes = exceptionMessage(
      "ResourceInUseException",
      "application/x-amz-cbor-1.1",
      Uint8Array.of(0xa0),
    );
    const [message] = new EventStreamDecoder().push(bytes);
    expect(message?.headers[":message-type"]).toBe("exception");
    expect(message?.headers[":exception-type"]).toBe("ResourceInUseException");
    expect(message?.payload).toEqual(Uint8Array.of(0xa0));
  });

  it("decodes every header type", () => {
    const headers = {
      yes: true,
      no: false,
      int: -7,
      long: 1n << 40n,
      bytes: Uint8Array.of(1, 2, 3),
      text: "é",
      when: new Date(1764201600123),
    };
    const [message] = new EventStreamDecoder().push(
      encodeMessage({ headers, payload: new Uint8Array(0) }),
    );
    expect(message?.headers).toEqual(headers);
  });

  it("reads messages from chunks split anywhere, a byte at a time included", () => {
    const one = eventMessage("A", "t", utf8.encode("first"));
    const two = eventMessage("B", "t", utf8.encode("second"));
    const all = new Uint8Array([...one, ...two]);
    const decoder = new EventStreamDecoder();
    const got = [];
    for (const byte of all) got.push(...decoder.push(Uint8Array.of(byte)));
    expect(got.map((m) => m.headers[":event-type"])).toEqual(["A", "B"]);
    expect(decoder.idle).toBe(true);
  });

  it("refuses a corrupted prelude or message", () => {
    const bytes = eventMessage("A", "t", utf8.encode("payload"));
    const prelude = bytes.slice();
    prelude[2] = (prelude[2] ?? 0) ^ 1;
    expect(() => new EventStreamDecoder().push(prelude)).toThrow(/prelude/);
    const body = bytes.slice();
    body[body.length - 6] = (body[body.length - 6] ?? 0) ^ 1;
    expect(() => new EventStreamDecoder().push(body)).toThrow(/message's CRC/);
  });

  it("round-trips any messages however the bytes are split", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.string(), payload: fc.uint8Array({ maxLength: 300 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (messages, cuts) => {
          const bytes = new Uint8Array(
            messages.flatMap((m) => [...eventMessage(m.type, "t", m.payload)]),
          );
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const decoder = new EventStreamDecoder();
          const got = [];
          let at = 0;
          for (const point of [...points, bytes.length]) {
            got.push(...decoder.push(bytes.subarray(at, point)));
            at = point;
          }
          expect(got.map((m) => [m.headers[":event-type"], [...m.payload]])).toEqual(
            messages.map((m) => [m.type, [...m.payload]]),
          );
        },
      ),
    );
  });
});
