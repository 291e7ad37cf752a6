import { describe, expect, it } from "vitest";
import {
  call,
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
  tagsOf,
  uniqueName,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";

const OP = "UntagResource";
const RESOURCE_ARN = "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+";

describeEachWire("UntagResource", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["TagKeys", "List"],
      ["TagKeys.0", "String"],
      ["ResourceARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires TagKeys and ResourceARN", async () => {
      await expectValidation(OP, {}, [
        failure("null", "tagKeys", rule.notNull),
        failure("null", "resourceARN", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { TagKeys: [], ResourceARN: "", StreamId: "" }, [
        failure("'[]'", "tagKeys", rule.minLength(1)),
        failure("''", "resourceARN", rule.pattern(RESOURCE_ARN)),
        failure("''", "resourceARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    it("checks every member's upper bounds", async () => {
      const keys = Array.from({ length: 51 }, (_, i) => `k${i}`);
      const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${"a".repeat(2040)}`;
      await expectValidation(OP, { TagKeys: keys, ResourceARN: arn }, [
        failure(`'[${keys.join(", ")}]'`, "tagKeys", rule.maxLength(50)),
        failure(`'${arn}'`, "resourceARN", rule.maxLength(2048)),
      ]);
    });

    refusesMissingStream(OP, "ur-none", (name) => ({
      TagKeys: ["a"],
      ResourceARN: streamArnOf(name),
    }));

    it("does not find a consumer, since there are none yet", async () => {
      const name = uniqueName("ur-consumer");
      await createStream(name, 1);
      const arn = `${streamArnOf(name)}/consumer/app:1700000000`;
      await expectError(
        OP,
        { TagKeys: ["a"], ResourceARN: arn },
        "ResourceNotFoundException",
        `Consumer ${arn} under account 000000000000 not found.`,
      );
    });

    it("refuses keys with characters AWS does not allow", async () => {
      const name = uniqueName("ur-chars");
      await createStream(name, 1);
      await expectError(
        OP,
        { TagKeys: ["a,b"], ResourceARN: streamArnOf(name) },
        "InvalidArgumentException",
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.",
      );
    });
  });

  describe("behaviour", () => {
    it("removes the keys named from a stream named by ARN, ignoring others, with an empty answer", async () => {
      const name = uniqueName("ur");
      await createStream(name, 1);
      await ok("AddTagsToStream", { StreamName: name, Tags: { a: "1", b: "2", c: "3" } });
      const answer = await call(OP, { TagKeys: ["a", "c", "zz"], ResourceARN: streamArnOf(name) });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      expect(await tagsOf(name)).toEqual([{ Key: "b", Value: "2" }]);
    });
  });
});
