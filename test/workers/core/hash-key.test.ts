import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evenRanges,
  findRange,
  type HashKeyRange,
  MAX_HASH_KEY,
  partitionKeyHash,
} from "../../../src/kinesis/hash-key.js";

const SPACE = 1n << 128n;

async function nativeMd5Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("MD5", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function linearFind(ranges: readonly HashKeyRange[], key: bigint): number {
  return ranges.findIndex((range) => range.start <= key && key <= range.end);
}

describe("MAX_HASH_KEY", () => {
  it("is 2^128 - 1", () => {
    expect(MAX_HASH_KEY).toBe(340282366920938463463374607431768211455n);
  });
});

describe("partitionKeyHash", () => {
  it("reads the MD5 of the key as an unsigned big-endian integer", () => {
    expect(partitionKeyHash("a")).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
    expect(partitionKeyHash("")).toBe(0xd41d8cd98f00b204e9800998ecf8427en);
    expect(partitionKeyHash("abc")).toBe(0x900150983cd24fb0d6963f7d28e17f72n);
  });

  it("keeps leading zero bytes out of the value without losing the rest", () => {
    // MD5("a") starts with 0x0c: the hash is below 2^124.
    expect(partitionKeyHash("a") < 1n << 124n).toBe(true);
  });

  it("hashes the UTF-8 encoding of the key", () => {
    // "é" is c3 a9 in UTF-8 (its Latin-1 byte e9 would hash to 0x34068776...).
    expect(partitionKeyHash("é")).toBe(0x66ddcd97cfdeabb2f6fb8a999b4bc76fn);
    expect(partitionKeyHash("😀")).toBe(0x2a02eac39d716a70ecf37579185927b6n);
  });

  it("equals BigInt of the hex MD5 for arbitrary keys", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 256 }), async (key) => {
        expect(partitionKeyHash(key)).toBe(BigInt(`0x${await nativeMd5Hex(key)}`));
      }),
      { numRuns: 200 },
    );
  });

  it("is always within the hash key space", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 256 }), (key) => {
        const hash = partitionKeyHash(key);
        expect(hash >= 0n && hash <= MAX_HASH_KEY).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("evenRanges", () => {
  it("gives one shard the whole space", () => {
    expect(evenRanges(1)).toEqual([{ start: 0n, end: MAX_HASH_KEY }]);
  });

  it("splits two shards at 2^127", () => {
    expect(evenRanges(2)).toEqual([
      { start: 0n, end: (1n << 127n) - 1n },
      { start: 1n << 127n, end: MAX_HASH_KEY },
    ]);
  });

  it("assigns three shards the ranges AWS assigns", () => {
    expect(evenRanges(3)).toEqual([
      { start: 0n, end: 113427455640312821154458202477256070484n },
      {
        start: 113427455640312821154458202477256070485n,
        end: 226854911280625642308916404954512140969n,
      },
      {
        start: 226854911280625642308916404954512140970n,
        end: 340282366920938463463374607431768211455n,
      },
    ]);
  });

  it("covers [0, 2^128-1] contiguously for every count from 1 to 500", () => {
    /** The first way `ranges` departs from the expected layout, if any. */
    function departure(count: number, ranges: readonly HashKeyRange[]): string | undefined {
      if (ranges.length !== count) return `${ranges.length} ranges`;
      const size = SPACE / BigInt(count);
      let next = 0n;
      for (const [i, range] of ranges.entries()) {
        if (range.start !== next) return `range ${i} starts at ${range.start}, not ${next}`;
        const expected = i === count - 1 ? SPACE - size * BigInt(count - 1) : size;
        const actual = range.end - range.start + 1n;
        if (actual !== expected) return `range ${i} holds ${actual} keys, not ${expected}`;
        next = range.end + 1n;
      }
      return next === SPACE ? undefined : `the last range ends at ${next - 1n}`;
    }
    for (let count = 1; count <= 500; count++) {
      expect(departure(count, evenRanges(count)), `count ${count}`).toBeUndefined();
    }
  });

  it("gives the last range the remainder of the division", () => {
    const ranges = evenRanges(7);
    const last = ranges.at(-1);
    const first = ranges[0];
    if (!last || !first) throw new Error("seven ranges expected");
    const size = first.end - first.start + 1n;
    expect(last.end - last.start + 1n).toBe(size + (SPACE % 7n));
  });

  it("splits a sub-range of the space the same way", () => {
    expect(evenRanges(3, 10n, 19n)).toEqual([
      { start: 10n, end: 12n },
      { start: 13n, end: 15n },
      { start: 16n, end: 19n },
    ]);
    expect(evenRanges(2, 1n << 127n, MAX_HASH_KEY)).toEqual([
      { start: 1n << 127n, end: (1n << 127n) + (1n << 126n) - 1n },
      { start: (1n << 127n) + (1n << 126n), end: MAX_HASH_KEY },
    ]);
  });
});

describe("findRange", () => {
  it("routes the partition keys and hash keys of AWS's three-shard example", () => {
    const ranges = evenRanges(3);
    expect(findRange(ranges, partitionKeyHash("a"))).toBe(0);
    expect(findRange(ranges, partitionKeyHash("b"))).toBe(1);
    expect(findRange(ranges, partitionKeyHash("e"))).toBe(2);
    expect(findRange(ranges, partitionKeyHash("f"))).toBe(1);
    const third = SPACE / 3n;
    expect(findRange(ranges, MAX_HASH_KEY)).toBe(2);
    expect(findRange(ranges, third * 2n - 1n)).toBe(1);
    expect(findRange(ranges, third * 2n)).toBe(2);
  });

  it("finds the range at both ends of every range", () => {
    const ranges = evenRanges(37);
    for (const [i, range] of ranges.entries()) {
      expect(findRange(ranges, range.start)).toBe(i);
      expect(findRange(ranges, range.end)).toBe(i);
    }
  });

  it("answers -1 outside the space and for an empty list", () => {
    expect(findRange(evenRanges(4), -1n)).toBe(-1);
    expect(findRange(evenRanges(4), SPACE)).toBe(-1);
    expect(findRange([], 0n)).toBe(-1);
  });

  it("agrees with a linear scan over even ranges", () => {
    const key = fc.oneof(
      fc.bigInt({ min: 0n, max: MAX_HASH_KEY }),
      fc.bigInt({ min: -2n, max: 2n }),
      fc.bigInt({ min: MAX_HASH_KEY - 2n, max: MAX_HASH_KEY + 2n }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), key, (count, k) => {
        const ranges = evenRanges(count);
        expect(findRange(ranges, k)).toBe(linearFind(ranges, k));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with a linear scan over sorted ranges with gaps", () => {
    // Sorted, disjoint ranges built from sorted distinct cut points; every
    // other interval is left out, so some keys fall in no range.
    const layout = fc
      .uniqueArray(fc.bigInt({ min: 0n, max: 1000n }), { minLength: 2, maxLength: 40 })
      .map((cuts) => {
        const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const ranges: HashKeyRange[] = [];
        for (let i = 0; i + 1 < sorted.length; i += 2) {
          const start = sorted[i];
          const end = sorted[i + 1];
          if (start !== undefined && end !== undefined) ranges.push({ start, end });
        }
        return ranges;
      });
    fc.assert(
      fc.property(layout, fc.bigInt({ min: -5n, max: 1005n }), (ranges, k) => {
        expect(findRange(ranges, k)).toBe(linearFind(ranges, k));
      }),
      { numRuns: 500 },
    );
  });
});
