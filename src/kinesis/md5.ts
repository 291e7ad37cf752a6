/**
 * MD5 (RFC 1321), synchronous and platform-free. Kinesis routes a record by
 * the MD5 of its partition key; hashing in plain code avoids an async
 * `crypto.subtle` round trip per record on the PutRecords hot path.
 *
 * @example
 * md5(new TextEncoder().encode("abc")); // 16 bytes: 90 01 50 98 ...
 */

// Per-round shift amounts and the sine-derived constants of RFC 1321, section 3.4.
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

// Reused between calls: md5 runs once per record on the PutRecords hot path,
// and allocating per call showed in profiles.
const block = new Uint8Array(128);
const blockView = new DataView(block.buffer);
const words = new Int32Array(16);
const state = new Int32Array(4);

function compress(bytes: Uint8Array, offset: number): void {
  for (let j = 0; j < 16; j++) {
    const k = offset + j * 4;
    words[j] =
      (bytes[k] ?? 0) |
      ((bytes[k + 1] ?? 0) << 8) |
      ((bytes[k + 2] ?? 0) << 16) |
      ((bytes[k + 3] ?? 0) << 24);
  }
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const shift = S[((i >> 4) << 2) | (i & 3)] ?? 0;
    const sum = (a + f + (K[i] ?? 0) + (words[g] ?? 0)) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }
  state[0] = ((state[0] ?? 0) + a) | 0;
  state[1] = ((state[1] ?? 0) + b) | 0;
  state[2] = ((state[2] ?? 0) + c) | 0;
  state[3] = ((state[3] ?? 0) + d) | 0;
}

export function md5(message: Uint8Array): Uint8Array {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  const whole = message.length & ~63;
  for (let offset = 0; offset < whole; offset += 64) compress(message, offset);
  // The tail, the 0x80 marker and the bit length fill one or two last blocks.
  const tail = message.length - whole;
  const blocks = tail + 9 > 64 ? 2 : 1;
  block.fill(0);
  block.set(message.subarray(whole), 0);
  block[tail] = 0x80;
  const bitLength = message.length * 8;
  blockView.setUint32(blocks * 64 - 8, bitLength >>> 0, true);
  blockView.setUint32(blocks * 64 - 4, Math.floor(bitLength / 2 ** 32), true);
  for (let i = 0; i < blocks; i++) compress(block, i * 64);
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) outView.setInt32(i * 4, state[i] ?? 0, true);
  return out;
}
