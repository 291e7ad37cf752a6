import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  matchesResourceArnPattern,
  matchesStreamArnPattern,
  parseStreamArn,
  streamArn,
} from "../../../src/kinesis/arn.js";

// The model's patterns, as a regular-expression engine runs them.
const STREAM = /^(?:arn:aws.*:kinesis:.*:\d{12}:stream\/\S+)$/u;
const RESOURCE = /^(?:arn:aws.*:kinesis:.*:\d{12}:.*stream\/\S+)$/u;

// Strings made of the pieces that matter, so near misses are common.
const piece = fc.constantFrom(
  "arn:aws",
  "-cn",
  ":kinesis:",
  ":",
  "us-east-1",
  "000000000000",
  "12345678901",
  "9",
  ":stream/",
  "stream/",
  "consumer/",
  "x",
  " ",
  "\t",
  "\n",
  "\u2028",
  "\u00a0",
  "é",
);
const text = fc.oneof(
  fc.array(piece, { maxLength: 14 }).map((parts) => parts.join("")),
  fc.array(piece, { maxLength: 12 }).map((parts) => `arn:aws${parts.join("")}`),
  fc.string({ maxLength: 40 }),
);

describe("the ARN patterns in linear time", () => {
  it("accept exactly what the StreamARN pattern accepts", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(matchesStreamArnPattern(value)).toBe(STREAM.test(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it("accept exactly what the ResourceARN pattern accepts", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(matchesResourceArnPattern(value)).toBe(RESOURCE.test(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it("accept real stream and consumer ARNs", () => {
    const arn = streamArn({ account: "000000000000", region: "eu-west-2" }, "orders");
    expect(matchesStreamArnPattern(arn)).toBe(true);
    expect(matchesResourceArnPattern(arn)).toBe(true);
    expect(matchesResourceArnPattern(`${arn}/consumer/app:1764201600`)).toBe(true);
    expect(parseStreamArn(arn)).toEqual({
      account: "000000000000",
      region: "eu-west-2",
      name: "orders",
    });
  });

  it("refuse a long near miss quickly", () => {
    const nearMiss = `${"arn:aws:kinesis:us-east-1:000000000000:stream/x".repeat(20_000)} `;
    expect(matchesStreamArnPattern(nearMiss)).toBe(false);
    expect(matchesResourceArnPattern(nearMiss)).toBe(false);
  });
});
