/**
 * Base64 for blobs. The JSON protocol carries blobs as standard base64 with
 * padding; AWS rejects anything else with a SerializationException, so the
 * decoder is strict and reports why, in the Java decoder's words.
 *
 * Uses the platform's `Uint8Array.fromBase64` / `toBase64` where it has them
 * (workerd, current browsers) and a table-driven codec elsewhere (Node 24).
 */

interface NativeBase64 {
  fromBase64?: (text: string, options?: { lastChunkHandling?: "strict" }) => Uint8Array;
}
interface NativeToBase64 {
  toBase64?: () => string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

const nativeFrom = (Uint8Array as unknown as NativeBase64).fromBase64;
const nativeTo = (Uint8Array.prototype as unknown as NativeToBase64).toBase64;

/**
 * Decodes standard padded base64, or throws what `reject(reason)` returns.
 *
 * @example
 * decodeBase64Strict("aGk=", (why) => new Error(why)); // Uint8Array [104, 105]
 */
export function decodeBase64Strict(text: string, reject: (reason: string) => Error): Uint8Array {
  // The hot path: the platform's decoder in strict mode checks padding and the
  // unused bits natively. It skips ASCII whitespace, which AWS refuses, so the
  // decoded length must also match the text's. Anything it refuses is examined
  // below, to say why in AWS's words.
  if (nativeFrom && text.length % 4 === 0) {
    try {
      const bytes = nativeFrom(text, { lastChunkHandling: "strict" });
      const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
      if (bytes.length === (text.length / 4) * 3 - padding) return bytes;
    } catch {
      // Diagnosed below.
    }
  }
  if (text.length % 4 !== 0) {
    throw reject(
      `Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`,
    );
  }
  const end = text.endsWith("==")
    ? text.length - 2
    : text.endsWith("=")
      ? text.length - 1
      : text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || LOOKUP[c] === -1) {
      throw reject(`Invalid Base64 character: '${text.charAt(i)}'`);
    }
  }
  // The last character before padding must not carry bits the padding drops.
  if (end < text.length) {
    const last = LOOKUP[text.charCodeAt(end - 1)] ?? 0;
    const unused = text.length - end === 2 ? 0b1111 : 0b11;
    if ((last & unused) !== 0) throw reject("Invalid last non-pad Base64 character dectected");
  }
  if (nativeFrom) return nativeFrom(text);
  return decodeFallback(text, end);
}

function decodeFallback(text: string, end: number): Uint8Array {
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < end; i++) {
    acc = (acc << 6) | (LOOKUP[text.charCodeAt(i)] ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Encodes bytes as standard padded base64.
 *
 * @example
 * encodeBase64(new Uint8Array([104, 105])); // "aGk="
 */
export function encodeBase64(bytes: Uint8Array): string {
  if (nativeTo) return nativeTo.call(bytes);
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += sextet(n >> 18) + sextet(n >> 12) + sextet(n >> 6) + sextet(n);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += sextet(n >> 18) + sextet(n >> 12) + (rest === 2 ? `${sextet(n >> 6)}=` : "==");
  }
  return out;
}

function sextet(n: number): string {
  return ALPHABET.charAt(n & 63);
}
