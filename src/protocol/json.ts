/**
 * AWS JSON 1.1: blobs are base64 strings and timestamps are epoch seconds
 * (a double, so milliseconds survive as the fraction).
 */
import { encodeBase64 } from "./base64.js";
import type { Codec } from "./codec.js";

export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Copies a value with its Dates and byte arrays in their JSON forms. Doing this
 * first lets JSON.stringify take its fast path: a replacer function makes it
 * call back into JS for every key, which profiling showed dominating
 * GetRecords of many records.
 */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = plain((value as Record<string, unknown>)[key]);
  return out;
}

export const jsonCodec: Codec = {
  contentType: JSON_CONTENT_TYPE,
  decode(bytes) {
    return JSON.parse(decoder.decode(bytes));
  },
  encode(value) {
    return JSON.stringify(plain(value));
  },
};
