/**
 * AWS JSON 1.1: blobs are base64 strings and timestamps are epoch seconds
 * (a double, so milliseconds survive as the fraction).
 */
import { encodeBase64 } from "./base64.js";
import type { Codec } from "./codec.js";

export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // Date.prototype.toJSON has already run on `value`; the holder has the original.
  const raw = this[key];
  if (raw instanceof Date) return raw.getTime() / 1000;
  if (raw instanceof Uint8Array) return encodeBase64(raw);
  return value;
}

export const jsonCodec: Codec = {
  contentType: JSON_CONTENT_TYPE,
  decode(bytes) {
    return JSON.parse(decoder.decode(bytes));
  },
  encode(value) {
    return JSON.stringify(value, replacer);
  },
};
