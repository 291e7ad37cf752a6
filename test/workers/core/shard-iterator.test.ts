import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bytesToHex,
  hexToBytes,
  type IteratorClaims,
  iteratorBody,
  iteratorToken,
  MAC_BYTES,
  parseIterator,
} from "../../../src/kinesis/shard-iterator.js";
import { decodeBase64Strict, encodeBase64 } from "../../../src/protocol/base64.js";

const MAX_U64 = (1n << 64n) - 1n;
const NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";

const streamName = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength, maxLength });
const incarnation = fc.string({
  unit: fc.constantFrom(..."0123456789abcdef"),
  minLength: 32,
  maxLength: 32,
});
const claimsWith = (name: fc.Arbitrary<string>): fc.Arbitrary<IteratorClaims> =>
  fc.record({
    issuedAt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    position: fc.bigInt({ min: 0n, max: MAX_U64 }),
    shardIndex: fc.integer({ min: 0, max: 2147483647 }),
    incarnation,
    streamName: name,
  });
const claims = claimsWith(streamName(1, 128));
const mac = fc.uint8Array({ minLength: MAC_BYTES, maxLength: MAC_BYTES });

const example: IteratorClaims = {
  issuedAt: 1764201600123,
  position: 42n,
  shardIndex: 3,
  incarnation: "00112233445566778899aabbccddeeff",
  streamName: "orders",
};

function bytesOf(token: string): Uint8Array {
  return decodeBase64Strict(token, (why) => new Error(why));
}

describe("iteratorBody", () => {
  it("lays out the claims big-endian after a version byte", () => {
    const body = iteratorBody(example);
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    expect(body).toHaveLength(38 + "orders".length);
    expect(view.getUint8(0)).toBe(1);
    expect(view.getBigUint64(1)).toBe(1764201600123n);
    expect(view.getBigUint64(9)).toBe(42n);
    expect(view.getUint32(17)).toBe(3);
    expect(bytesToHex(body.subarray(21, 37))).toBe(example.incarnation);
    expect(view.getUint8(37)).toBe(6);
    expect(new TextDecoder().decode(body.subarray(38))).toBe("orders");
  });

  it("is deterministic, so a shard can recompute what it signed", () => {
    fc.assert(
      fc.property(claims, (c) => {
        expect(iteratorBody({ ...c })).toEqual(iteratorBody(c));
      }),
      { numRuns: 100 },
    );
  });
});

describe("iteratorToken", () => {
  it("is the base64 of the body followed by the MAC", () => {
    const body = iteratorBody(example);
    const tag = Uint8Array.from({ length: MAC_BYTES }, (_, i) => 0xf0 + i);
    const bytes = bytesOf(iteratorToken(body, tag));
    expect(bytes.subarray(0, body.length)).toEqual(body);
    expect(bytes.subarray(body.length)).toEqual(tag);
  });

  it("keeps only the first MAC_BYTES of a longer MAC (a truncated HMAC-SHA-256)", () => {
    const body = iteratorBody(example);
    const full = Uint8Array.from({ length: 32 }, (_, i) => i);
    const parsed = parseIterator(iteratorToken(body, full));
    expect(parsed?.mac).toEqual(full.subarray(0, MAC_BYTES));
  });

  it("is at most 512 characters even for a 128-character stream name", () => {
    fc.assert(
      fc.property(claimsWith(streamName(128, 128)), mac, (c, m) => {
        const token = iteratorToken(iteratorBody(c), m);
        expect(token.length).toBeLessThanOrEqual(512);
      }),
      { numRuns: 50 },
    );
  });

  it("is plain standard base64", () => {
    fc.assert(
      fc.property(claims, mac, (c, m) => {
        expect(iteratorToken(iteratorBody(c), m)).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
      }),
      { numRuns: 100 },
    );
  });
});

describe("parseIterator", () => {
  it("reads back the claims, the signed bytes and the MAC", () => {
    fc.assert(
      fc.property(claims, mac, (c, m) => {
        const body = iteratorBody(c);
        const parsed = parseIterator(iteratorToken(body, m));
        expect(parsed).toEqual({ ...c, signed: body, mac: m });
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips the extremes of every field", () => {
    const extreme: IteratorClaims = {
      issuedAt: Number.MAX_SAFE_INTEGER,
      position: MAX_U64,
      shardIndex: 0xffffffff,
      incarnation: "f".repeat(32),
      streamName: "-".repeat(128),
    };
    const zero: IteratorClaims = {
      issuedAt: 0,
      position: 0n,
      shardIndex: 0,
      incarnation: "0".repeat(32),
      streamName: "a",
    };
    for (const c of [extreme, zero]) {
      const parsed = parseIterator(iteratorToken(iteratorBody(c), new Uint8Array(MAC_BYTES)));
      expect(parsed).toMatchObject(c);
    }
  });

  it("either rejects a token with any byte changed or shows the change to the MAC check", () => {
    fc.assert(
      fc.property(claims, mac, fc.nat(), fc.integer({ min: 1, max: 255 }), (c, m, at, flip) => {
        const original = bytesOf(iteratorToken(iteratorBody(c), m));
        const tampered = original.slice();
        const index = at % tampered.length;
        tampered[index] = (tampered[index] ?? 0) ^ flip;
        const parsed = parseIterator(encodeBase64(tampered));
        if (parsed === undefined) return;
        // Whatever still parses hands the MAC check exactly the bytes that
        // were sent, so a changed claim or a changed MAC cannot verify.
        const seen = new Uint8Array(parsed.signed.length + parsed.mac.length);
        seen.set(parsed.signed);
        seen.set(parsed.mac, parsed.signed.length);
        expect(seen).toEqual(tampered);
        expect(parsed.mac).toHaveLength(MAC_BYTES);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects every single-byte change to the version and the name length", () => {
    const original = bytesOf(iteratorToken(iteratorBody(example), new Uint8Array(MAC_BYTES)));
    for (const index of [0, 37]) {
      for (let flip = 1; flip < 256; flip++) {
        const tampered = original.slice();
        tampered[index] = (tampered[index] ?? 0) ^ flip;
        expect(parseIterator(encodeBase64(tampered)), `byte ${index} ^ ${flip}`).toBeUndefined();
      }
    }
  });

  it("rejects a token that is cut short or has bytes appended", () => {
    const original = bytesOf(iteratorToken(iteratorBody(example), new Uint8Array(MAC_BYTES)));
    for (let length = 0; length < original.length; length++) {
      expect(
        parseIterator(encodeBase64(original.subarray(0, length))),
        `${length}`,
      ).toBeUndefined();
    }
    const longer = new Uint8Array(original.length + 1);
    longer.set(original);
    expect(parseIterator(encodeBase64(longer))).toBeUndefined();
  });

  it("rejects a stream name that is not UTF-8", () => {
    const body = iteratorBody({ ...example, streamName: "ab" });
    body[38] = 0xff;
    expect(parseIterator(iteratorToken(body, new Uint8Array(MAC_BYTES)))).toBeUndefined();
  });

  it("rejects tokens that are not strict base64", () => {
    // 38 + 7 + 16 = 61 bytes, so the token ends in padding.
    const token = iteratorToken(
      iteratorBody({ ...example, streamName: "orders7" }),
      new Uint8Array(MAC_BYTES),
    );
    expect(token.endsWith("==")).toBe(true);
    expect(parseIterator(token)).toBeDefined();
    expect(parseIterator(`${token}\n`)).toBeUndefined();
    expect(parseIterator(` ${token}`)).toBeUndefined();
    expect(parseIterator(token.slice(0, -2))).toBeUndefined();
    expect(parseIterator(`${token.slice(0, 10)}-${token.slice(11)}`)).toBeUndefined();
    expect(parseIterator(`${token.slice(0, 10)}_${token.slice(11)}`)).toBeUndefined();
  });

  it("answers undefined for garbage", () => {
    for (const garbage of ["", "a", "====", "not a token", "AAAA", "AQ==", "{}", "null"]) {
      expect(parseIterator(garbage), garbage).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (garbage) => {
        expect(parseIterator(garbage)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        fc.pre(bytes[0] !== 1);
        expect(parseIterator(encodeBase64(bytes))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe("hexToBytes and bytesToHex", () => {
  it("convert between bytes and lowercase hex", () => {
    expect(bytesToHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe("0001abff");
    expect(hexToBytes("0001abff")).toEqual(new Uint8Array([0, 1, 0xab, 0xff]));
    expect(hexToBytes("ABFF")).toEqual(new Uint8Array([0xab, 0xff]));
  });

  it("round-trip arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = bytesToHex(bytes);
        expect(hex).toMatch(/^(?:[0-9a-f]{2})*$/);
        expect(hexToBytes(hex)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });
});
