import { describe, expect, it } from "vitest";
import {
  createStream,
  expectValidation,
  failure,
  ok,
  PATTERN,
  refusesWrongTypes,
  rule,
  streamArnOf,
  tagsOf,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { BY_STREAM_NAME, removeTagsCases } from "./tags.case.js";

const OP = "RemoveTagsFromStream";
const cases = removeTagsCases(OP, BY_STREAM_NAME);

describeEachWire("RemoveTagsFromStream", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["TagKeys", "List"],
      ["TagKeys.0", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires TagKeys", async () => {
      await expectValidation(OP, {}, [failure("null", "tagKeys", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { StreamName: "", TagKeys: [], StreamARN: "", StreamId: "" }, [
        failure("''", "streamName", rule.pattern(PATTERN.streamName)),
        failure("''", "streamName", rule.minLength(1)),
        failure("'[]'", "tagKeys", rule.minLength(1)),
        failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
        failure("''", "streamARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    cases.validation();
  });

  describe("behaviour", () => {
    cases.behaviour();

    it("accepts StreamARN", async () => {
      const name = uniqueName("untag-arn");
      await createStream(name, 1);
      await ok("AddTagsToStream", { StreamName: name, Tags: { k: "v", j: "w" } });
      await ok(OP, { StreamARN: streamArnOf(name), TagKeys: ["k"] });
      expect(await tagsOf(name)).toEqual([{ Key: "j", Value: "w" }]);
    });
  });
});
