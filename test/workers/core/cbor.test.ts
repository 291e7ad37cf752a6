/**
 * The AWS CBOR 1.1 codec: what it decodes, what it encodes, and what it refuses.
 */
import { decode, encode, Tagged } from "cborg";
import { describe, expect, it } from "vitest";
import { CBOR_CONTENT_TYPE, cborCodec } from "../../../src/protocol/cbor.js";

const bytes = (...values: number[]) => new Uint8Array(values);
const hex = (value: Uint8Array) =>
  Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("");
const encoded = (value: unknown) => cborCodec.encode(value) as Uint8Array;

describe("cbor codec", () => {
  it("answers with AWS's CBOR content type", () => {
    expect(CBOR_CONTENT_TYPE).toBe("application/x-amz-cbor-1.1");
    expect(cborCodec.contentType).toBe(CBOR_CONTENT_TYPE);
  });

  it("round-trips maps, arrays, strings, numbers, booleans and null", () => {
    const value = {
      StreamName: "s",
      Shards: [{ ShardId: "shardId-000000000000", Open: true, Parent: null }],
      Count: 42,
      Negative: -7,
      Big: 2 ** 40,
      Ratio: 0.1,
      Half: 1.5,
      Empty: {},
      Unicode: "ünï ☃ 😀",
    };
    expect(cborCodec.decode(encoded(value))).toEqual(value);
  });

  it("encodes integers as CBOR integers and other numbers as floats", () => {
    expect(hex(encoded(0))).toBe("00");
    expect(hex(encoded(1000))).toBe("1903e8");
    expect(hex(encoded(-1))).toBe("20");
    expect(hex(encoded(2 ** 32))).toBe("1b0000000100000000");
    // Floats in their shortest exact form: half, single, double.
    expect(hex(encoded(1.5))).toBe("f93e00");
    expect(hex(encoded(0.1))).toBe("fb3fb999999999999a");
  });

  it("encodes bytes as a byte string and decodes a byte string to bytes", () => {
    const data = bytes(0, 1, 2, 0xff);
    expect(hex(encoded({ Data: data }))).toBe("a1644461746144000102ff");
    const back = cborCodec.decode(encoded({ Data: data })) as { Data: unknown };
    expect(back.Data).toBeInstanceOf(Uint8Array);
    expect(back.Data).toEqual(data);
  });

  it("encodes a Date as tag 1 over integer epoch milliseconds (AWS, not RFC 8949 seconds)", () => {
    const date = new Date(1_764_000_000_123);
    expect(hex(encoded(date))).toBe(`c11b${(1_764_000_000_123).toString(16).padStart(16, "0")}`);
    const seen = decode(encoded({ T: date }), { tags: Tagged.preserve(1) }) as { T: Tagged };
    expect(seen.T).toEqual(new Tagged(1, 1_764_000_000_123));
    expect(Number.isInteger(seen.T.value)).toBe(true);
    // Before the epoch: a negative integer.
    expect(hex(encoded(new Date(-5)))).toBe("c124");
  });

  it("decodes tag 1 as epoch milliseconds, as the Java SDK sends it", () => {
    // {"Timestamp": 1(1700000000123)}, written by hand.
    const body = bytes(
      0xa1,
      ...new TextEncoder().encode("\u0069Timestamp"),
      0xc1,
      0x1b,
      ...hex64(1_700_000_000_123),
    );
    expect(cborCodec.decode(body)).toEqual({ Timestamp: new Date(1_700_000_000_123) });
    // A float under tag 1 is fractional milliseconds too, never seconds.
    expect(cborCodec.decode(encode(new Tagged(1, 1_700_000_000_123.5)))).toEqual(
      new Date(1_700_000_000_123),
    );
    expect(cborCodec.decode(encoded(new Date(0)))).toEqual(new Date(0));
  });

  it("omits undefined members", () => {
    expect(cborCodec.decode(encoded({ a: 1, b: undefined }))).toEqual({ a: 1 });
    expect(hex(encoded({ b: undefined }))).toBe("a0");
  });

  it("keeps members in the order given", () => {
    const value = { StreamName: "s", A: 1 };
    expect(Object.keys(cborCodec.decode(encoded(value)) as object)).toEqual(["StreamName", "A"]);
  });

  it("reads indefinite-length maps, arrays and strings, as Jackson writes them", () => {
    // {_ "a": [_ 1, 2], "b": (_ "x", "y")}
    const body = bytes(
      0xbf,
      0x61,
      0x61,
      0x9f,
      1,
      2,
      0xff,
      0x61,
      0x62,
      0x7f,
      0x61,
      0x78,
      0x61,
      0x79,
      0xff,
      0xff,
    );
    expect(cborCodec.decode(body)).toEqual({ a: [1, 2], b: "xy" });
    // (_ h'0102', h'', h'03')
    expect(cborCodec.decode(bytes(0x5f, 0x42, 1, 2, 0x40, 0x41, 3, 0xff))).toEqual(bytes(1, 2, 3));
    expect(cborCodec.decode(bytes(0x7f, 0xff))).toBe("");
  });

  it("reads a non-shortest integer encoding", () => {
    expect(cborCodec.decode(bytes(0x1a, 0, 0, 0, 5))).toBe(5);
  });

  it("ignores the self-described CBOR tag", () => {
    expect(cborCodec.decode(bytes(0xd9, 0xd9, 0xf7, 0xa1, 0x61, 0x61, 1))).toEqual({ a: 1 });
  });

  it("keeps a __proto__ key as an own member", () => {
    const body = encode(JSON.parse('{"__proto__": {"x": 1}}'));
    const value = cborCodec.decode(body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
  });

  describe("refuses malformed input", () => {
    const cases: [string, Uint8Array][] = [
      ["trailing bytes", bytes(0xa0, 0x00)],
      ["two items", bytes(0x01, 0x02)],
      ["a truncated map", bytes(0xa1, 0x61, 0x61)],
      ["a truncated string", bytes(0x65, 0x61)],
      ["a truncated integer", bytes(0x1b, 0, 0)],
      ["a stray break", bytes(0xff)],
      ["a reserved additional value", bytes(0x1c)],
      ["an unterminated indefinite map", bytes(0xbf, 0x61, 0x61, 1)],
      ["a non-string map key", bytes(0xa1, 0x01, 0x02)],
      ["an unknown tag", bytes(0xc2, 0x41, 0x01)],
      ["tag 1 over a string", bytes(0xc1, 0x61, 0x61)],
      ["tag 1 over NaN", bytes(0xc1, 0xf9, 0x7e, 0x00)],
      ["tag 1 beyond a date's range", encode(new Tagged(1, 9e15))],
      ["an integer beyond 2^53", bytes(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)],
      ["invalid UTF-8 in a text string", bytes(0x62, 0xff, 0xfe)],
      ["invalid UTF-8 in a chunk", bytes(0x7f, 0x61, 0xff, 0xff)],
      ["an unterminated indefinite string", bytes(0x7f, 0x61, 0x61)],
      ["a byte chunk in a text string", bytes(0x7f, 0x41, 0x61, 0xff)],
      ["a nested indefinite chunk", bytes(0x5f, 0x5f, 0xff, 0xff)],
    ];
    for (const [what, body] of cases) {
      it(`refuses ${what}`, () => {
        expect(() => cborCodec.decode(body)).toThrow();
      });
    }
  });
});

/** An unsigned integer as 8 big-endian bytes. */
function hex64(n: number): number[] {
  const out: number[] = [];
  let value = BigInt(n);
  for (let i = 0; i < 8; i++) {
    out.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return out;
}
