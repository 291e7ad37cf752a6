/**
 * MD5 (RFC 1321), synchronous and platform-free. Kinesis routes a record by
 * the MD5 of its partition key; hashing in plain code avoids an async
 * `crypto.subtle` round trip per record on the PutRecords hot path, where it
 * runs once per record. Hence the shape of this code: the 64 steps written
 * out with the state in locals, a block buffer reused between calls, and
 * `md5Words` for callers that want the digest as numbers rather than bytes.
 *
 * @example
 * md5(new TextEncoder().encode("abc")); // 16 bytes: 90 01 50 98 ...
 */

// Reused between calls: one or two final blocks of padding.
const block = new Uint8Array(128);
const blockView = new DataView(block.buffer);
const x = new Int32Array(16);
/** The digest of the last call, as four little-endian words. */
const digest = new Int32Array(4);

const ff = (a: number, b: number, c: number, d: number, m: number, s: number, k: number) => {
  const n = (a + ((b & c) | (~b & d)) + m + k) | 0;
  return (((n << s) | (n >>> (32 - s))) + b) | 0;
};
const gg = (a: number, b: number, c: number, d: number, m: number, s: number, k: number) => {
  const n = (a + ((b & d) | (c & ~d)) + m + k) | 0;
  return (((n << s) | (n >>> (32 - s))) + b) | 0;
};
const hh = (a: number, b: number, c: number, d: number, m: number, s: number, k: number) => {
  const n = (a + (b ^ c ^ d) + m + k) | 0;
  return (((n << s) | (n >>> (32 - s))) + b) | 0;
};
const ii = (a: number, b: number, c: number, d: number, m: number, s: number, k: number) => {
  const n = (a + (c ^ (b | ~d)) + m + k) | 0;
  return (((n << s) | (n >>> (32 - s))) + b) | 0;
};

/** Loads the 16 little-endian words of the block at `offset` into `x`. */
function load(bytes: Uint8Array, offset: number): void {
  for (let j = 0; j < 16; j++) {
    const k = offset + j * 4;
    x[j] =
      (bytes[k] as number) |
      ((bytes[k + 1] as number) << 8) |
      ((bytes[k + 2] as number) << 16) |
      ((bytes[k + 3] as number) << 24);
  }
}

/** One compression of the words in `x` into `digest`; the constants are RFC 1321's. */
function compress(): void {
  const x0 = x[0] as number;
  const x1 = x[1] as number;
  const x2 = x[2] as number;
  const x3 = x[3] as number;
  const x4 = x[4] as number;
  const x5 = x[5] as number;
  const x6 = x[6] as number;
  const x7 = x[7] as number;
  const x8 = x[8] as number;
  const x9 = x[9] as number;
  const x10 = x[10] as number;
  const x11 = x[11] as number;
  const x12 = x[12] as number;
  const x13 = x[13] as number;
  const x14 = x[14] as number;
  const x15 = x[15] as number;
  let a = digest[0] as number;
  let b = digest[1] as number;
  let c = digest[2] as number;
  let d = digest[3] as number;

  a = ff(a, b, c, d, x0, 7, -680876936);
  d = ff(d, a, b, c, x1, 12, -389564586);
  c = ff(c, d, a, b, x2, 17, 606105819);
  b = ff(b, c, d, a, x3, 22, -1044525330);
  a = ff(a, b, c, d, x4, 7, -176418897);
  d = ff(d, a, b, c, x5, 12, 1200080426);
  c = ff(c, d, a, b, x6, 17, -1473231341);
  b = ff(b, c, d, a, x7, 22, -45705983);
  a = ff(a, b, c, d, x8, 7, 1770035416);
  d = ff(d, a, b, c, x9, 12, -1958414417);
  c = ff(c, d, a, b, x10, 17, -42063);
  b = ff(b, c, d, a, x11, 22, -1990404162);
  a = ff(a, b, c, d, x12, 7, 1804603682);
  d = ff(d, a, b, c, x13, 12, -40341101);
  c = ff(c, d, a, b, x14, 17, -1502002290);
  b = ff(b, c, d, a, x15, 22, 1236535329);

  a = gg(a, b, c, d, x1, 5, -165796510);
  d = gg(d, a, b, c, x6, 9, -1069501632);
  c = gg(c, d, a, b, x11, 14, 643717713);
  b = gg(b, c, d, a, x0, 20, -373897302);
  a = gg(a, b, c, d, x5, 5, -701558691);
  d = gg(d, a, b, c, x10, 9, 38016083);
  c = gg(c, d, a, b, x15, 14, -660478335);
  b = gg(b, c, d, a, x4, 20, -405537848);
  a = gg(a, b, c, d, x9, 5, 568446438);
  d = gg(d, a, b, c, x14, 9, -1019803690);
  c = gg(c, d, a, b, x3, 14, -187363961);
  b = gg(b, c, d, a, x8, 20, 1163531501);
  a = gg(a, b, c, d, x13, 5, -1444681467);
  d = gg(d, a, b, c, x2, 9, -51403784);
  c = gg(c, d, a, b, x7, 14, 1735328473);
  b = gg(b, c, d, a, x12, 20, -1926607734);

  a = hh(a, b, c, d, x5, 4, -378558);
  d = hh(d, a, b, c, x8, 11, -2022574463);
  c = hh(c, d, a, b, x11, 16, 1839030562);
  b = hh(b, c, d, a, x14, 23, -35309556);
  a = hh(a, b, c, d, x1, 4, -1530992060);
  d = hh(d, a, b, c, x4, 11, 1272893353);
  c = hh(c, d, a, b, x7, 16, -155497632);
  b = hh(b, c, d, a, x10, 23, -1094730640);
  a = hh(a, b, c, d, x13, 4, 681279174);
  d = hh(d, a, b, c, x0, 11, -358537222);
  c = hh(c, d, a, b, x3, 16, -722521979);
  b = hh(b, c, d, a, x6, 23, 76029189);
  a = hh(a, b, c, d, x9, 4, -640364487);
  d = hh(d, a, b, c, x12, 11, -421815835);
  c = hh(c, d, a, b, x15, 16, 530742520);
  b = hh(b, c, d, a, x2, 23, -995338651);

  a = ii(a, b, c, d, x0, 6, -198630844);
  d = ii(d, a, b, c, x7, 10, 1126891415);
  c = ii(c, d, a, b, x14, 15, -1416354905);
  b = ii(b, c, d, a, x5, 21, -57434055);
  a = ii(a, b, c, d, x12, 6, 1700485571);
  d = ii(d, a, b, c, x3, 10, -1894986606);
  c = ii(c, d, a, b, x10, 15, -1051523);
  b = ii(b, c, d, a, x1, 21, -2054922799);
  a = ii(a, b, c, d, x8, 6, 1873313359);
  d = ii(d, a, b, c, x15, 10, -30611744);
  c = ii(c, d, a, b, x6, 15, -1560198380);
  b = ii(b, c, d, a, x13, 21, 1309151649);
  a = ii(a, b, c, d, x4, 6, -145523070);
  d = ii(d, a, b, c, x11, 10, -1120210379);
  c = ii(c, d, a, b, x2, 15, 718787259);
  b = ii(b, c, d, a, x9, 21, -343485551);

  digest[0] = ((digest[0] as number) + a) | 0;
  digest[1] = ((digest[1] as number) + b) | 0;
  digest[2] = ((digest[2] as number) + c) | 0;
  digest[3] = ((digest[3] as number) + d) | 0;
}

/**
 * The digest of `message` as four little-endian 32-bit words (signed), in a
 * buffer the next call overwrites.
 */
export function md5Words(message: Uint8Array): Int32Array {
  digest[0] = 0x67452301;
  digest[1] = 0xefcdab89 | 0;
  digest[2] = 0x98badcfe | 0;
  digest[3] = 0x10325476;
  const length = message.length;
  const whole = length & ~63;
  for (let offset = 0; offset < whole; offset += 64) {
    load(message, offset);
    compress();
  }
  // The tail, the 0x80 marker and the bit length fill one or two last blocks.
  const tail = length - whole;
  const blocks = tail + 9 > 64 ? 2 : 1;
  block.fill(0, 0, blocks * 64);
  for (let i = 0; i < tail; i++) block[i] = message[whole + i] as number;
  block[tail] = 0x80;
  const bitLength = length * 8;
  blockView.setUint32(blocks * 64 - 8, bitLength >>> 0, true);
  blockView.setUint32(blocks * 64 - 4, Math.floor(bitLength / 2 ** 32), true);
  for (let i = 0; i < blocks; i++) {
    load(block, i * 64);
    compress();
  }
  return digest;
}

/** The 16-byte digest of `message`. */
export function md5(message: Uint8Array): Uint8Array {
  const words = md5Words(message);
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) view.setInt32(i * 4, words[i] as number, true);
  return out;
}
