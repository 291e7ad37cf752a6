/**
 * The platform-free core also runs in browsers (the browser SDK builds on it).
 * These check the parts whose implementation depends on the platform: base64
 * (native `toBase64` where present) and partition-key hashing, in real Chromium.
 */
import { describe, expect, it } from "vitest";
import { partitionKeyHash } from "../../src/kinesis/hash-key.js";
import { formatSequenceNumber, parseSequenceNumber } from "../../src/kinesis/sequence-number.js";
import { decodeBase64Strict, encodeBase64 } from "../../src/protocol/base64.js";

describe("the core in Chromium", () => {
  it("encodes and strictly decodes base64 as the Worker does", () => {
    const bytes = new Uint8Array(1000).map((_, i) => (i * 37) & 0xff);
    const text = encodeBase64(bytes);
    expect(text).toBe(btoa(String.fromCharCode(...bytes)));
    expect(decodeBase64Strict(text, (why) => new Error(why))).toEqual(bytes);
    expect(() => decodeBase64Strict("aGk", (why) => new Error(why))).toThrow(
      "Base64 encoded length is expected a multiple of 4 bytes but found: 3",
    );
  });

  it("hashes partition keys to the same 128-bit keys as MD5", () => {
    // MD5("") and MD5("abc"), RFC 1321's test suite.
    expect(partitionKeyHash("")).toBe(0xd41d8cd98f00b204e9800998ecf8427en);
    expect(partitionKeyHash("abc")).toBe(0x900150983cd24fb0d6963f7d28e17f72n);
  });

  it("reads back the sequence numbers it writes", () => {
    const parts = { epoch: 1_764_201_600_000, shardIndex: 3, position: 12345n };
    expect(parseSequenceNumber(formatSequenceNumber(parts))).toEqual(parts);
  });
});
