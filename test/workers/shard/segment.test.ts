import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pack, SEGMENT_TARGET, unpack } from "../../../worker/shard/segment.js";

const encoder = new TextEncoder();
const record = fc.record({
  partitionKey: fc.string({ minLength: 1, maxLength: 256, unit: "binary" }),
  data: fc.uint8Array({ maxLength: 300_000 }),
});
const packable = (r: { partitionKey: string; data: Uint8Array }) => ({
  key: encoder.encode(r.partitionKey),
  data: r.data,
});

function unpackAll(body: Uint8Array, from = 0) {
  const out: { partitionKey: string; data: Uint8Array }[] = [];
  unpack(body, from, (r) => {
    out.push(r);
    return true;
  });
  return out;
}

describe("segments", () => {
  it("pack then unpack gives back every record, in order, byte-exact", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const segments = pack(records.map(packable));
        const back = segments.flatMap((s) => unpackAll(s.body));
        expect(back).toEqual(records);
        let start = 0;
        for (const s of segments) {
          const dataBytes = records
            .slice(start, start + s.count)
            .reduce((n, r) => n + r.data.byteLength, 0);
          expect(s.dataBytes).toBe(dataBytes);
          // A segment stays under its target unless it holds one record only.
          if (s.count > 1) expect(s.body.byteLength).toBeLessThanOrEqual(SEGMENT_TARGET);
          start += s.count;
        }
      }),
      { numRuns: 50 },
    );
  });

  it("starts unpacking at any index and stops when told", () => {
    const records = Array.from({ length: 10 }, (_, i) => ({
      partitionKey: `k${i}`,
      data: new Uint8Array([i]),
    }));
    const [segment] = pack(records.map(packable));
    expect(pack(records.map(packable))).toHaveLength(1);
    expect(unpackAll(segment?.body ?? new Uint8Array(), 7).map((r) => r.partitionKey)).toEqual([
      "k7",
      "k8",
      "k9",
    ]);
    const seen: number[] = [];
    unpack(segment?.body ?? new Uint8Array(), 2, (_r, index) => {
      seen.push(index);
      return index < 4;
    });
    expect(seen).toEqual([2, 3, 4]);
  });

  it("unpacks data as views into the body, without copying", () => {
    const [segment] = pack([packable({ partitionKey: "a", data: new Uint8Array([1, 2, 3]) })]);
    const body = segment?.body ?? new Uint8Array();
    const [back] = unpackAll(body);
    expect(back?.data.buffer).toBe(body.buffer);
    expect([...(back?.data ?? [])]).toEqual([1, 2, 3]);
  });
});
