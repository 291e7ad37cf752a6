import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatSequenceNumber,
  formatShardId,
  parseSequenceNumber,
  parseShardId,
  type SequenceParts,
  sequenceNumberFormatter,
} from "../../../src/kinesis/sequence-number.js";

const MAX_U64 = (1n << 64n) - 1n;

const parts: fc.Arbitrary<SequenceParts> = fc.record({
  epoch: fc.integer({ min: 0, max: 99_999_999_999_999 }),
  shardIndex: fc.integer({ min: 0, max: 2_147_483_647 }),
  position: fc.bigInt({ min: 0n, max: MAX_U64 }),
});

describe("formatSequenceNumber", () => {
  it("lays out prefix, epoch, shard index and position in fixed-width fields", () => {
    expect(formatSequenceNumber({ epoch: 1764201600000, shardIndex: 2, position: 7n })).toBe(
      `49${"01764201600000"}${"0000000002"}${"00000000000000000007"}`,
    );
  });

  it("is always 46 decimal digits starting with 49", () => {
    fc.assert(
      fc.property(parts, (p) => {
        expect(formatSequenceNumber(p)).toMatch(/^49\d{44}$/);
      }),
      { numRuns: 300 },
    );
  });

  it("fits the largest position, 2^64 - 1", () => {
    const value = formatSequenceNumber({ epoch: 1, shardIndex: 0, position: MAX_U64 });
    expect(value).toHaveLength(46);
    expect(value.endsWith("18446744073709551615")).toBe(true);
  });

  it("round-trips through parseSequenceNumber", () => {
    fc.assert(
      fc.property(parts, (p) => {
        expect(parseSequenceNumber(formatSequenceNumber(p))).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it("rises strictly with the position, as a big integer and as a string", () => {
    fc.assert(
      fc.property(
        parts,
        fc.bigInt({ min: 0n, max: MAX_U64 }),
        fc.bigInt({ min: 0n, max: MAX_U64 }),
        (p, x, y) => {
          fc.pre(x !== y);
          const [lo, hi] = x < y ? [x, y] : [y, x];
          const a = formatSequenceNumber({ ...p, position: lo });
          const b = formatSequenceNumber({ ...p, position: hi });
          expect(BigInt(a) < BigInt(b)).toBe(true);
          expect(a < b).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("orders neighbouring positions, including across a digit boundary", () => {
    for (const position of [0n, 9n, 99n, 999_999n, MAX_U64 - 1n]) {
      const a = formatSequenceNumber({ epoch: 5, shardIndex: 3, position });
      const b = formatSequenceNumber({ epoch: 5, shardIndex: 3, position: position + 1n });
      expect(a < b).toBe(true);
      expect(BigInt(b) - BigInt(a)).toBe(1n);
    }
  });

  it("differs between shards and between stream incarnations at the same position", () => {
    const base = { epoch: 1764201600000, shardIndex: 0, position: 1n };
    const values = new Set([
      formatSequenceNumber(base),
      formatSequenceNumber({ ...base, shardIndex: 1 }),
      formatSequenceNumber({ ...base, epoch: base.epoch + 1 }),
    ]);
    expect(values.size).toBe(3);
  });
});

describe("sequenceNumberFormatter", () => {
  it("formats exactly as formatSequenceNumber for every safe-integer position", () => {
    fc.assert(
      fc.property(parts, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (p, position) => {
        const format = sequenceNumberFormatter(p.epoch, p.shardIndex);
        expect(format(position)).toBe(formatSequenceNumber({ ...p, position: BigInt(position) }));
      }),
    );
  });
});

describe("parseSequenceNumber", () => {
  it("reads back the parts", () => {
    expect(parseSequenceNumber("4901764201600000000000000200000000000000000007")).toEqual({
      epoch: 1764201600000,
      shardIndex: 2,
      position: 7n,
    });
  });

  it("rejects short numbers", () => {
    expect(parseSequenceNumber("0")).toBeUndefined();
    expect(parseSequenceNumber("1")).toBeUndefined();
    expect(parseSequenceNumber("")).toBeUndefined();
  });

  it("rejects 45 and 47 digits", () => {
    const valid = formatSequenceNumber({ epoch: 1, shardIndex: 1, position: 1n });
    expect(parseSequenceNumber(valid.slice(0, 45))).toBeUndefined();
    expect(parseSequenceNumber(`${valid}0`)).toBeUndefined();
  });

  it("rejects 46 digits with another prefix", () => {
    expect(parseSequenceNumber("4".repeat(46))).toBeUndefined();
    expect(parseSequenceNumber(`50${"0".repeat(44)}`)).toBeUndefined();
  });

  it("rejects non-digits anywhere", () => {
    const valid = formatSequenceNumber({ epoch: 1, shardIndex: 1, position: 1n });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 45 }),
        fc.constantFrom("a", " ", "-", "+", ".", "e", "٣", "\n"),
        (at, c) => {
          expect(parseSequenceNumber(valid.slice(0, at) + c + valid.slice(at + 1))).toBeUndefined();
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects any string that is not 49 and 44 digits", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        fc.pre(!/^49\d{44}$/.test(value));
        expect(parseSequenceNumber(value)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe("formatShardId", () => {
  it("is shardId- and twelve digits", () => {
    expect(formatShardId(0)).toBe("shardId-000000000000");
    expect(formatShardId(1)).toBe("shardId-000000000001");
    expect(formatShardId(123456)).toBe("shardId-000000123456");
    expect(formatShardId(2147483647)).toBe("shardId-002147483647");
  });
});

describe("parseShardId", () => {
  it("reads the index of a shard id", () => {
    expect(parseShardId("shardId-000000000000")).toBe(0);
    expect(parseShardId("shardId-000000000042")).toBe(42);
  });

  it("round-trips every index through formatShardId", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2147483647 }), (index) => {
        expect(parseShardId(formatShardId(index))).toBe(index);
      }),
      { numRuns: 300 },
    );
  });

  it("accepts the bare number and any prefix before a dash, as AWS does", () => {
    expect(parseShardId("7")).toBe(7);
    expect(parseShardId("foo-1")).toBe(1);
    expect(parseShardId("shardId-1")).toBe(1);
    expect(parseShardId("a-b-3")).toBe(3);
  });

  it("answers undefined when there is no index", () => {
    expect(parseShardId("")).toBeUndefined();
    expect(parseShardId("shardId-")).toBeUndefined();
    expect(parseShardId("shardId-abc")).toBeUndefined();
    expect(parseShardId("shardId-1.5")).toBeUndefined();
    expect(parseShardId("shardId-1 ")).toBeUndefined();
    expect(parseShardId("shardId-+1")).toBeUndefined();
    expect(parseShardId("1-")).toBeUndefined();
  });

  it("answers undefined beyond the largest 32-bit signed index", () => {
    expect(parseShardId("shardId-002147483647")).toBe(2147483647);
    expect(parseShardId("shardId-002147483648")).toBeUndefined();
    expect(parseShardId(`shardId-${"9".repeat(30)}`)).toBeUndefined();
  });
});
