import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeBase64Strict, encodeBase64 } from "../../../src/protocol/base64.js";

interface NativeFrom {
  fromBase64?: (text: string) => Uint8Array;
}
interface NativeTo {
  toBase64?: () => string;
}

const nativeFromBase64 = (Uint8Array as unknown as NativeFrom).fromBase64;
const nativeToBase64 = (Uint8Array.prototype as unknown as NativeTo).toBase64;

function nativeEncode(bytes: Uint8Array): string {
  if (!nativeToBase64) throw new Error("workerd is expected to have Uint8Array.prototype.toBase64");
  return nativeToBase64.call(bytes);
}

function decode(text: string): Uint8Array {
  return decodeBase64Strict(text, (reason) => new Error(reason));
}

/** The reason `decodeBase64Strict` rejects `text` with. */
function rejection(text: string): string | undefined {
  try {
    decode(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

describe("encodeBase64", () => {
  it("encodes standard padded base64", () => {
    expect(encodeBase64(new Uint8Array([]))).toBe("");
    expect(encodeBase64(new Uint8Array([104]))).toBe("aA==");
    expect(encodeBase64(new Uint8Array([104, 105]))).toBe("aGk=");
    expect(encodeBase64(new Uint8Array([104, 105, 33]))).toBe("aGkh");
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("+/+/");
  });

  it("agrees with the native Uint8Array.prototype.toBase64", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(nativeEncode(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("encodes only a view's own bytes", () => {
    const buffer = new Uint8Array([1, 2, 3, 4, 5, 6]);
    expect(encodeBase64(buffer.subarray(1, 3))).toBe(encodeBase64(new Uint8Array([2, 3])));
  });
});

describe("decodeBase64Strict", () => {
  it("decodes standard padded base64", () => {
    expect(decode("")).toEqual(new Uint8Array([]));
    expect(decode("aA==")).toEqual(new Uint8Array([104]));
    expect(decode("aGk=")).toEqual(new Uint8Array([104, 105]));
    expect(decode("aGkh")).toEqual(new Uint8Array([104, 105, 33]));
    expect(decode("+/+/")).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it("round-trips arbitrary bytes through encodeBase64", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decode(encodeBase64(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("throws whatever the reject callback returns", () => {
    class Custom extends Error {}
    const custom = new Custom("mine");
    expect(() => decodeBase64Strict("a", () => custom)).toThrow(custom);
  });

  describe("rejects a length that is not a multiple of 4", () => {
    it("names the length it found", () => {
      expect(rejection("a")).toBe(
        "Base64 encoded length is expected a multiple of 4 bytes but found: 1",
      );
      expect(rejection("23456")).toBe(
        "Base64 encoded length is expected a multiple of 4 bytes but found: 5",
      );
      expect(rejection("aGk")).toBe(
        "Base64 encoded length is expected a multiple of 4 bytes but found: 3",
      );
    });

    it("for any such length, even unpadded valid base64", () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 60 }),
          fc.integer({ min: 1, max: 3 }),
          (bytes, cut) => {
            const text = encodeBase64(bytes).slice(0, -cut);
            expect(rejection(text)).toBe(
              `Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`,
            );
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe("rejects characters outside the standard alphabet", () => {
    it("names the first offending character", () => {
      expect(rejection("aG!k")).toBe("Invalid Base64 character: '!'");
      expect(rejection("aG-_")).toBe("Invalid Base64 character: '-'");
      expect(rejection("aGk\n")).toBe("Invalid Base64 character: '\n'");
      expect(rejection("aG k")).toBe("Invalid Base64 character: ' '");
      expect(rejection("aGé=")).toBe("Invalid Base64 character: 'é'");
    });

    it("treats padding anywhere but the end as an invalid character", () => {
      expect(rejection("=+/=")).toBe("Invalid Base64 character: '='");
      expect(rejection("a=Gk")).toBe("Invalid Base64 character: '='");
      expect(rejection("aGk=aGk=")).toBe("Invalid Base64 character: '='");
      expect(rejection("a===")).toBe("Invalid Base64 character: '='");
      expect(rejection("====")).toBe("Invalid Base64 character: '='");
    });

    it("for any character outside the alphabet at any position", () => {
      const foreign = fc
        .integer({ min: 0, max: 0x2fff })
        .map((code) => String.fromCharCode(code))
        .filter((c) => !ALPHABET.includes(c) && c !== "=");
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 3, maxLength: 30 }).filter((b) => b.length % 3 === 0),
          foreign,
          fc.nat(),
          (bytes, bad, at) => {
            const valid = encodeBase64(bytes);
            const index = at % valid.length;
            const text = valid.slice(0, index) + bad + valid.slice(index + 1);
            expect(rejection(text)).toBe(`Invalid Base64 character: '${bad}'`);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe("rejects non-zero bits that the padding drops", () => {
    it("in the last character before '='", () => {
      expect(rejection("+/+=")).toBe("Invalid last non-pad Base64 character dectected");
      expect(rejection("aGl=")).toBe("Invalid last non-pad Base64 character dectected");
      expect(rejection("aGk=")).toBeUndefined();
    });

    it("in the last character before '=='", () => {
      expect(rejection("aB==")).toBe("Invalid last non-pad Base64 character dectected");
      expect(rejection("aP==")).toBe("Invalid last non-pad Base64 character dectected");
      expect(rejection("aA==")).toBeUndefined();
      expect(rejection("aQ==")).toBeUndefined();
    });

    it("for every last character that carries dropped bits", () => {
      for (const [index, c] of [...ALPHABET].entries()) {
        const onePad = `aG${c}=`;
        const twoPad = `a${c}==`;
        expect(rejection(onePad), onePad).toBe(
          (index & 0b11) === 0 ? undefined : "Invalid last non-pad Base64 character dectected",
        );
        expect(rejection(twoPad), twoPad).toBe(
          (index & 0b1111) === 0 ? undefined : "Invalid last non-pad Base64 character dectected",
        );
      }
    });
  });

  it("accepts exactly the strings encodeBase64 produces", () => {
    // Any string over the alphabet, padded to a multiple of 4, either decodes
    // to bytes that encode back to it, or is rejected: no two spellings of
    // the same bytes are accepted.
    const text = fc
      .tuple(
        fc.array(fc.constantFrom(...ALPHABET), { minLength: 2, maxLength: 14 }),
        fc.integer({ min: 0, max: 2 }),
      )
      .map(([chars, pad]) => {
        const body = chars.join("").slice(0, 4 * Math.ceil(chars.length / 4) - pad);
        return body.padEnd(4 * Math.ceil(body.length / 4), "=");
      });
    fc.assert(
      fc.property(text, (candidate) => {
        let bytes: Uint8Array | undefined;
        try {
          bytes = decode(candidate);
        } catch {
          bytes = undefined;
        }
        if (bytes !== undefined) expect(encodeBase64(bytes)).toBe(candidate);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the table-driven codec used where the platform has no native base64", () => {
  afterEach(() => {
    (Uint8Array as unknown as NativeFrom).fromBase64 = nativeFromBase64;
    (Uint8Array.prototype as unknown as NativeTo).toBase64 = nativeToBase64;
    vi.resetModules();
  });

  async function loadWithoutNative(): Promise<typeof import("../../../src/protocol/base64.js")> {
    delete (Uint8Array as unknown as NativeFrom).fromBase64;
    delete (Uint8Array.prototype as unknown as NativeTo).toBase64;
    vi.resetModules();
    const module = await import("../../../src/protocol/base64.js");
    expect((Uint8Array as unknown as NativeFrom).fromBase64).toBeUndefined();
    return module;
  }

  it("encodes like the native encoder", async () => {
    const fallback = await loadWithoutNative();
    expect(fallback.encodeBase64).not.toBe(encodeBase64);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(fallback.encodeBase64(bytes)).toBe(nativeEncode(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("decodes what the native encoder produces", async () => {
    const fallback = await loadWithoutNative();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const decoded = fallback.decodeBase64Strict(nativeEncode(bytes), (why) => new Error(why));
        expect(decoded).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects with the same reasons", async () => {
    const fallback = await loadWithoutNative();
    for (const text of ["a", "aG!k", "=+/=", "+/+=", "aB=="]) {
      const reason = rejection(text);
      expect(reason).toBeDefined();
      expect(() => fallback.decodeBase64Strict(text, (why) => new Error(why))).toThrow(
        new Error(reason),
      );
    }
  });
});
