import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { md5 } from "../../../src/kinesis/md5.js";

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function nativeMd5(bytes: Uint8Array): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("MD5", bytes)));
}

/** Byte arrays of exactly `length` bytes. */
const bytesOfLength = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

describe("md5", () => {
  it("returns a 16-byte digest", () => {
    expect(md5(new Uint8Array(0))).toHaveLength(16);
    expect(md5(new Uint8Array(1000))).toHaveLength(16);
  });

  it("matches the RFC 1321 test suite", () => {
    const suite: [string, string][] = [
      ["", "d41d8cd98f00b204e9800998ecf8427e"],
      ["a", "0cc175b9c0f1b6a831c399e269772661"],
      ["abc", "900150983cd24fb0d6963f7d28e17f72"],
      ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
      ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
      [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f",
      ],
      [
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "57edf4a22be3c955ac49da2e2107b67a",
      ],
    ];
    for (const [input, digest] of suite) expect(hex(md5(encoder.encode(input)))).toBe(digest);
  });

  it("agrees with the platform's MD5 at every length across the padding boundaries", async () => {
    // 55/56 and 119/120 are where the length field stops fitting in the last
    // block; 63/64 and 127/128 are the block edges.
    for (let length = 0; length <= 192; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(hex(md5(bytes)), `length ${length}`).toBe(await nativeMd5(bytes));
    }
  });

  it("agrees with the platform's MD5 for arbitrary bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expect(hex(md5(bytes))).toBe(await nativeMd5(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with the platform's MD5 for arbitrary bytes at the padding boundaries", async () => {
    const boundaries = fc.oneof(
      ...[55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128].map(bytesOfLength),
    );
    await fc.assert(
      fc.asyncProperty(boundaries, async (bytes) => {
        expect(hex(md5(bytes))).toBe(await nativeMd5(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it("hashes a view by its own bytes, not its whole buffer", async () => {
    const buffer = Uint8Array.from({ length: 100 }, (_, i) => i);
    const view = buffer.subarray(10, 70);
    expect(hex(md5(view))).toBe(await nativeMd5(view.slice()));
  });

  it("does not modify its input", () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i);
    md5(bytes);
    expect(bytes).toEqual(Uint8Array.from({ length: 64 }, (_, i) => i));
  });

  it("hashes a multi-block message the same as the platform", async () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
    expect(hex(md5(bytes))).toBe(await nativeMd5(bytes));
  });
});
