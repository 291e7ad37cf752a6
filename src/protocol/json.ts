/**
 * AWS JSON 1.1: blobs are base64 strings and timestamps are epoch seconds
 * (a double, so milliseconds survive as the fraction).
 */
import { encodeBase64 } from "./base64.js";
import type { Codec } from "./codec.js";

export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * A value with its Dates and byte arrays in their JSON forms. Doing this first
 * lets JSON.stringify take its fast path: a replacer function makes it call
 * back into JS for every key, which profiling showed dominating GetRecords of
 * many records. Objects with nothing to convert are returned as they are, so
 * a PutRecords answer of 500 entries is not copied at all.
 */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = plain(item);
      if (converted !== item) {
        copy ??= value.slice();
        copy[i] = converted;
      }
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const member = record[key];
    const converted = plain(member);
    if (converted !== member) {
      copy ??= { ...record };
      copy[key] = converted;
    }
  }
  return copy ?? value;
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
