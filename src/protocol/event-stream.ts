/**
 * AWS's event stream (`application/vnd.amazon.eventstream`): the binary
 * framing SubscribeToShard answers with. Each message is
 *
 *   total length u32 | headers length u32 | prelude CRC32 |
 *   headers | payload | message CRC32
 *
 * with big-endian integers, and CRC-32 (IEEE, as zlib's) over the prelude's
 * first 8 bytes, then over everything before the last 4. Each header is a
 * name length (u8), the name, a type byte and the value; SubscribeToShard
 * sends only strings (type 7: u16 length, UTF-8). The format is smithy's
 * event-stream codec, which the AWS SDKs share.
 *
 * Platform-free: the Worker encodes, and tests and browsers decode.
 */

/** The content type of an event-stream answer. */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** A header's value: strings, and the format's other types when decoding. */
export type EventStreamHeaderValue = string | number | boolean | bigint | Uint8Array | Date;

export interface EventStreamMessage {
  readonly headers: Readonly<Record<string, EventStreamHeaderValue>>;
  readonly payload: Uint8Array;
}

/** The format's limit on one message (smithy's codec refuses longer ones). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const PRELUDE_BYTES = 12;
const TRAILER_BYTES = 4;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (IEEE 802.3, zlib's), continuing from `previous`.
 *
 * @example
 * crc32(new TextEncoder().encode("123456789")); // 0xcbf43926
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = (CRC_TABLE[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}

const utf8 = new TextEncoder();
const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Headers encoded once per distinct set: events of one subscription share them. */
const headerCache = new Map<string, Uint8Array>();

function encodeHeaders(headers: Readonly<Record<string, EventStreamHeaderValue>>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = utf8.encode(name);
    if (nameBytes.length > 255) throw new Error(`header name too long: ${name}`);
    parts.push(Uint8Array.of(nameBytes.length), nameBytes, encodeValue(value));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function encodeValue(value: EventStreamHeaderValue): Uint8Array {
  if (typeof value === "string" || value instanceof Uint8Array) {
    const bytes = typeof value === "string" ? utf8.encode(value) : value;
    if (bytes.length > 0xffff) throw new Error("header value too long");
    const out = new Uint8Array(3 + bytes.length);
    out[0] = typeof value === "string" ? 7 : 6;
    new DataView(out.buffer).setUint16(1, bytes.length);
    out.set(bytes, 3);
    return out;
  }
  if (typeof value === "boolean") return Uint8Array.of(value ? 0 : 1);
  if (typeof value === "bigint") {
    const out = new Uint8Array(9);
    out[0] = 5;
    new DataView(out.buffer).setBigInt64(1, value);
    return out;
  }
  if (value instanceof Date) {
    const out = new Uint8Array(9);
    out[0] = 8;
    new DataView(out.buffer).setBigInt64(1, BigInt(value.getTime()));
    return out;
  }
  // A number: a 32-bit integer (type 4).
  const out = new Uint8Array(5);
  out[0] = 4;
  new DataView(out.buffer).setInt32(1, value);
  return out;
}

/** One framed message. */
export function encodeMessage(message: EventStreamMessage): Uint8Array {
  return frame(encodeHeaders(message.headers), message.payload);
}

function frame(headers: Uint8Array, payload: Uint8Array): Uint8Array {
  const total = PRELUDE_BYTES + headers.length + payload.length + TRAILER_BYTES;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headers.length);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  out.set(headers, PRELUDE_BYTES);
  out.set(payload, PRELUDE_BYTES + headers.length);
  view.setUint32(total - TRAILER_BYTES, crc32(out.subarray(0, total - TRAILER_BYTES)));
  return out;
}

function cachedHeaders(key: string, headers: Record<string, string>): Uint8Array {
  let bytes = headerCache.get(key);
  if (!bytes) {
    bytes = encodeHeaders(headers);
    // The keys are a few event and exception types times two content types.
    if (headerCache.size < 64) headerCache.set(key, bytes);
  }
  return bytes;
}

/** An event: `:message-type: event`, `:event-type`, `:content-type`. */
export function eventMessage(
  eventType: string,
  contentType: string,
  payload: Uint8Array,
): Uint8Array {
  const headers = cachedHeaders(`event ${eventType} ${contentType}`, {
    ":message-type": "event",
    ":event-type": eventType,
    ":content-type": contentType,
  });
  return frame(headers, payload);
}

/** An exception: `:message-type: exception`, `:exception-type`, `:content-type`. */
export function exceptionMessage(
  exceptionType: string,
  contentType: string,
  payload: Uint8Array,
): Uint8Array {
  const headers = cachedHeaders(`exception ${exceptionType} ${contentType}`, {
    ":message-type": "exception",
    ":exception-type": exceptionType,
    ":content-type": contentType,
  });
  return frame(headers, payload);
}

/** Reads messages from bytes that arrive in chunks split anywhere. */
export class EventStreamDecoder {
  #buffered = new Uint8Array(0);

  /** The whole messages the bytes so far complete; throws on a malformed message. */
  push(chunk: Uint8Array): EventStreamMessage[] {
    const joined = new Uint8Array(this.#buffered.length + chunk.length);
    joined.set(this.#buffered);
    joined.set(chunk, this.#buffered.length);
    const messages: EventStreamMessage[] = [];
    let offset = 0;
    while (joined.length - offset >= PRELUDE_BYTES) {
      const view = new DataView(joined.buffer, joined.byteOffset + offset);
      const total = view.getUint32(0);
      const headersLength = view.getUint32(4);
      if (view.getUint32(8) !== crc32(joined.subarray(offset, offset + 8))) {
        throw new Error("event stream: the prelude's CRC does not match");
      }
      if (total > MAX_MESSAGE_BYTES || total < PRELUDE_BYTES + TRAILER_BYTES + headersLength) {
        throw new Error(`event stream: a message of ${total} bytes is malformed`);
      }
      if (joined.length - offset < total) break;
      const message = joined.subarray(offset, offset + total);
      const expected = new DataView(message.buffer, message.byteOffset).getUint32(total - 4);
      if (expected !== crc32(message.subarray(0, total - 4))) {
        throw new Error("event stream: the message's CRC does not match");
      }
      messages.push({
        headers: decodeHeaders(message.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength)),
        payload: message.slice(PRELUDE_BYTES + headersLength, total - TRAILER_BYTES),
      });
      offset += total;
    }
    this.#buffered = joined.slice(offset);
    return messages;
  }

  /** Whether no part of a message is waiting for more bytes. */
  get idle(): boolean {
    return this.#buffered.length === 0;
  }
}

function decodeHeaders(bytes: Uint8Array): Record<string, EventStreamHeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Record<string, EventStreamHeaderValue> = {};
  let at = 0;
  while (at < bytes.length) {
    const nameLength = view.getUint8(at);
    const name = text.decode(bytes.subarray(at + 1, at + 1 + nameLength));
    at += 1 + nameLength;
    const type = view.getUint8(at);
    at += 1;
    switch (type) {
      case 0:
      case 1:
        headers[name] = type === 0;
        break;
      case 2:
        headers[name] = view.getInt8(at);
        at += 1;
        break;
      case 3:
        headers[name] = view.getInt16(at);
        at += 2;
        break;
      case 4:
        headers[name] = view.getInt32(at);
        at += 4;
        break;
      case 5:
        headers[name] = view.getBigInt64(at);
        at += 8;
        break;
      case 6:
      case 7: {
        const length = view.getUint16(at);
        const value = bytes.slice(at + 2, at + 2 + length);
        headers[name] = type === 7 ? text.decode(value) : value;
        at += 2 + length;
        break;
      }
      case 8:
        headers[name] = new Date(Number(view.getBigInt64(at)));
        at += 8;
        break;
      case 9:
        headers[name] = bytes.slice(at, at + 16);
        at += 16;
        break;
      default:
        throw new Error(`event stream: unknown header type ${type}`);
    }
  }
  return headers;
}
