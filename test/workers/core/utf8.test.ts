import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeAll } from "../../../src/kinesis/utf8.js";

const encoder = new TextEncoder();

describe("encodeAll", () => {
  it("gives each string the bytes TextEncoder gives it, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" }), { maxLength: 50 }), (texts) => {
        expect(encodeAll(texts).map((b) => [...b])).toEqual(
          texts.map((t) => [...encoder.encode(t)]),
        );
      }),
    );
  });

  it("encodes ASCII, accents, astral characters and empty strings side by side", () => {
    const texts = ["key-1", "", "clé", "🚀 lift-off", "k".repeat(256)];
    expect(encodeAll(texts).map((b) => [...b])).toEqual(texts.map((t) => [...encoder.encode(t)]));
  });
});
