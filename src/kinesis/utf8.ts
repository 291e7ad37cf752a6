/**
 * UTF-8 for many short strings at once: partition keys, 500 to a PutRecords
 * call. `TextEncoder.encode` costs an allocation and a call into the platform
 * per string, which showed in PutRecords profiles; here every string goes into
 * one buffer, ASCII ones (nearly all keys) by a plain loop, others through
 * `encodeInto`, and each comes back as a view into that buffer.
 */

const encoder = new TextEncoder();

/**
 * Each string's UTF-8 bytes (lone surrogates become U+FFFD, as with
 * TextEncoder), as views into one shared buffer.
 *
 * @example
 * encodeAll(["a", "é"]); // [Uint8Array [97], Uint8Array [195, 169]]
 */
export function encodeAll(texts: readonly string[]): Uint8Array[] {
  let room = 0;
  // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair, 4 for 2).
  for (const text of texts) room += text.length * 3;
  const buffer = new Uint8Array(room);
  const out: Uint8Array[] = new Array(texts.length);
  let offset = 0;
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t] as string;
    let end = offset;
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      buffer[end++] = code;
    }
    if (!ascii) end = offset + encoder.encodeInto(text, buffer.subarray(offset)).written;
    out[t] = buffer.subarray(offset, end);
    offset = end;
  }
  return out;
}
