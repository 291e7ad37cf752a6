/**
 * A small ASN.1 DER encoder (ITU-T X.690): just the types an X.509 v3
 * certificate needs. Every function returns the complete encoding of one
 * value (tag, length, contents), so values nest by passing encodings to
 * `sequence`, `set` or `explicit`.
 *
 * @example
 * ```ts
 * const version = explicit(0, integer(2n)); // [0] EXPLICIT INTEGER 2 (v3)
 * const tbs = sequence(version, integer(serial), ...);
 * ```
 */

/** Universal tags (X.690 §8; X.680 §8.4). */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The length octets: short form below 128, else long form with the fewest octets (X.690 §10.1). */
function length(n: number): Uint8Array {
  if (n < 0x80) {
    return Uint8Array.of(n);
  }
  const octets: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) {
    octets.unshift(rest % 256);
  }
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** Any tag (one identifier octet, so tag numbers up to 30) with its contents. */
export function tlv(tag: number, contents: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(tag), length(contents.length), contents);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG.sequence, concat(...items));
}

/**
 * SET OF, with its elements sorted by their encodings as DER requires
 * (X.690 §11.6), so callers may pass them in any order.
 */
export function set(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareBytes);
  return tlv(TAG.set, concat(...sorted));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return a.length - b.length;
}

/** `[n] EXPLICIT`: a constructed context-specific tag around a whole encoding. */
export function explicit(n: number, inner: Uint8Array): Uint8Array {
  return tlv(0xa0 | n, inner);
}

/** `[n] IMPLICIT` of a primitive type: the contents under a context-specific tag. */
export function implicit(n: number, contents: Uint8Array): Uint8Array {
  return tlv(0x80 | n, contents);
}

export function boolean(value: boolean): Uint8Array {
  // DER: TRUE is all ones (X.690 §11.1).
  return tlv(TAG.boolean, Uint8Array.of(value ? 0xff : 0x00));
}

export function nullValue(): Uint8Array {
  return tlv(TAG.null, new Uint8Array(0));
}

/** An INTEGER in two's complement with the fewest octets (X.690 §8.3.2). */
export function integer(value: bigint): Uint8Array {
  const octets: number[] = [];
  let rest = value;
  for (;;) {
    octets.unshift(Number(rest & 0xffn));
    rest >>= 8n;
    const top = octets[0] ?? 0;
    // Stop once the remaining value is pure sign extension of the top bit.
    if ((rest === 0n && (top & 0x80) === 0) || (rest === -1n && (top & 0x80) !== 0)) {
      break;
    }
  }
  return tlv(TAG.integer, Uint8Array.from(octets));
}

/** An unsigned big-endian number (a serial) as a positive INTEGER. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) {
    start++;
  }
  const magnitude = bytes.subarray(start);
  const needsPad = ((magnitude[0] ?? 0) & 0x80) !== 0;
  return tlv(TAG.integer, needsPad ? concat(Uint8Array.of(0), magnitude) : magnitude);
}

/** A BIT STRING of whole octets (no unused bits), as keys and signatures are. */
export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.bitString, concat(Uint8Array.of(0), bytes));
}

/**
 * A named-bit-list BIT STRING (like KeyUsage) from the numbers of the set
 * bits, bit 0 being the most significant bit of the first octet. DER drops
 * trailing zero bits (X.690 §11.2.2), so the length follows the highest bit.
 */
export function namedBits(bits: number[]): Uint8Array {
  if (bits.length === 0) {
    return tlv(TAG.bitString, Uint8Array.of(0));
  }
  const highest = Math.max(...bits);
  const octets = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) {
    const index = Math.floor(bit / 8);
    octets[index] = (octets[index] ?? 0) | (0x80 >> (bit % 8));
  }
  const unused = 7 - (highest % 8);
  return tlv(TAG.bitString, concat(Uint8Array.of(unused), octets));
}

export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.octetString, bytes);
}

/** An OBJECT IDENTIFIER from its dotted form, e.g. "2.5.4.3" (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((arc) => {
    if (!/^\d+$/.test(arc)) {
      throw new Error(`not an object identifier: ${dotted}`);
    }
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n) {
    throw new Error(`not an object identifier: ${dotted}`);
  }
  const octets: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    // Base 128, most significant group first, high bit set on all but the last.
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) {
      groups.unshift(Number(v & 0x7fn) | 0x80);
    }
    octets.push(...groups);
  }
  return tlv(TAG.objectIdentifier, Uint8Array.from(octets));
}

const encoder = new TextEncoder();

export function utf8String(text: string): Uint8Array {
  return tlv(TAG.utf8String, encoder.encode(text));
}

/**
 * The octets of a printable ASCII string, for IA5String (which is ASCII);
 * throws on anything else, control characters included.
 */
export function ascii(text: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(text)) {
    throw new Error(`not ASCII: ${text}`);
  }
  return encoder.encode(text);
}

/** IA5String is ASCII; DNS names in a subjectAltName are IA5. */
export function ia5String(text: string): Uint8Array {
  return tlv(TAG.ia5String, ascii(text));
}

/**
 * An X.509 Time (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for the years
 * 1950 to 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` from 2050 on. Both in UTC,
 * to the second, with no fractions, as DER and the RFC require.
 */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) {
    throw new Error(`year out of range for an X.509 time: ${year}`);
  }
  const two = (n: number) => String(n).padStart(2, "0");
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    "Z";
  if (year < 2050) {
    return tlv(TAG.utcTime, encoder.encode(two(year % 100) + rest));
  }
  return tlv(TAG.generalizedTime, encoder.encode(String(year) + rest));
}
