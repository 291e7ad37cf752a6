import { describe, expect, it } from "vitest";
import {
  createStream,
  expectError,
  expectValidation,
  failure,
  ok,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  streamArnOf,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { BY_STREAM_NAME, listTagsCases } from "./tags.case.js";

const OP = "ListTagsForStream";
const cases = listTagsCases(OP, BY_STREAM_NAME, (tags) => ({ Tags: tags, HasMoreTags: false }));

describeEachWire("ListTagsForStream", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["ExclusiveStartTagKey", "String"],
      ["Limit", "Integer"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(
        OP,
        { StreamName: "", ExclusiveStartTagKey: "", Limit: 0, StreamARN: "", StreamId: "" },
        [
          failure("''", "streamName", rule.pattern(PATTERN.streamName)),
          failure("''", "streamName", rule.minLength(1)),
          failure("''", "exclusiveStartTagKey", rule.minLength(1)),
          failure("'0'", "limit", rule.minValue(1)),
          failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
          failure("''", "streamARN", rule.minLength(1)),
          failure("''", "streamId", rule.pattern(PATTERN.streamId)),
          failure("''", "streamId", rule.minLength(1)),
        ],
      );
    });

    it("checks every member's upper bounds, in model order", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { StreamName: name, ExclusiveStartTagKey: name, Limit: 51 }, [
        failure(`'${name}'`, "streamName", rule.maxLength(128)),
        failure(`'${name}'`, "exclusiveStartTagKey", rule.maxLength(128)),
        failure("'51'", "limit", rule.maxValue(50)),
      ]);
    });

    refusesMissingStream(OP, "lt-none", (name) => ({
      StreamName: name,
      ExclusiveStartTagKey: "a",
      Limit: 1,
    }));

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        {},
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });
  });

  describe("behaviour", () => {
    cases.behaviour();

    it("pages with Limit and ExclusiveStartTagKey", async () => {
      const name = uniqueName("lt-page");
      await createStream(name, 1);
      const tags = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, `${i}`]));
      await ok("AddTagsToStream", { StreamName: name, Tags: tags });
      const first = await ok(OP, { StreamName: name, Limit: 3 });
      expect(first).toEqual({
        Tags: [
          { Key: "k0", Value: "0" },
          { Key: "k1", Value: "1" },
          { Key: "k2", Value: "2" },
        ],
        HasMoreTags: true,
      });
      const second = await ok(OP, { StreamName: name, Limit: 3, ExclusiveStartTagKey: "k2" });
      expect((second.Tags as { Key: string }[]).map((t) => t.Key)).toEqual(["k3", "k4", "k5"]);
      expect(second.HasMoreTags).toBe(true);
      const last = await ok(OP, { StreamName: name, Limit: 3, ExclusiveStartTagKey: "k5" });
      expect(last).toEqual({ Tags: [{ Key: "k6", Value: "6" }], HasMoreTags: false });
      // The key need not be one of the stream's.
      const between = await ok(OP, { StreamName: name, ExclusiveStartTagKey: "k4a" });
      expect((between.Tags as { Key: string }[]).map((t) => t.Key)).toEqual(["k5", "k6"]);
      const exact = await ok(OP, { StreamName: name, Limit: 7 });
      expect(exact.HasMoreTags).toBe(false);
    });

    it("accepts StreamARN", async () => {
      const name = uniqueName("lt-arn");
      await createStream(name, 1);
      await ok("AddTagsToStream", { StreamName: name, Tags: { k: "v" } });
      expect(await ok(OP, { StreamARN: streamArnOf(name) })).toEqual({
        Tags: [{ Key: "k", Value: "v" }],
        HasMoreTags: false,
      });
    });
  });
});
