import { describe, expect, it } from "vitest";
import {
  call,
  createStream,
  expectError,
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

const OP = "RemoveTagsFromStream";

/** AWS's message for characters a tag may not hold (kinesalite's recordings). */
const INVALID =
  "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.";

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

    it("checks each key's length, once for the list", async () => {
      const long = "a".repeat(129);
      await expectValidation(OP, { StreamName: "s", TagKeys: ["a", long, ""] }, [
        failure(
          `'[a, ${long}, ]'`,
          "tagKeys",
          "Member must satisfy constraint: [Member must have length less than or equal to 128, " +
            "Member must have length greater than or equal to 1]",
        ),
      ]);
    });

    it("takes at most 50 keys", async () => {
      const keys = Array.from({ length: 51 }, (_, i) => `k${i}`);
      await expectValidation(OP, { StreamName: "s", TagKeys: keys }, [
        failure(`'[${keys.join(", ")}]'`, "tagKeys", rule.maxLength(50)),
      ]);
    });

    it("answers a stream that does not exist with ResourceNotFoundException, before the keys' characters", async () => {
      const name = uniqueName("untag-none");
      await expectError(
        OP,
        { StreamName: name, TagKeys: [";"] },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("refuses keys with characters AWS does not allow", async () => {
      const name = uniqueName("untag-chars");
      await createStream(name, 1);
      for (const bad of ["abc;def", "abc\tdef", "abc\ndef", "abc,def"]) {
        await expectError(
          OP,
          { StreamName: name, TagKeys: ["a", bad] },
          "InvalidArgumentException",
          INVALID,
        );
      }
    });
  });

  describe("behaviour", () => {
    it("removes the keys named, ignores keys the stream does not have, and answers with an empty body", async () => {
      const name = uniqueName("untag");
      await createStream(name, 1);
      await ok("AddTagsToStream", {
        StreamName: name,
        Tags: { a: "a", "ü0 _.": "a", "/=+-@": "a" },
      });
      const answer = await call(OP, { StreamName: name, TagKeys: ["ü0 _.", "/=+-@", "b", "c"] });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      expect(await tagsOf(name)).toEqual([{ Key: "a", Value: "a" }]);
    });

    it("succeeds on a stream with no tags", async () => {
      const name = uniqueName("untag-empty");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, TagKeys: ["nothing"] });
      expect(await tagsOf(name)).toEqual([]);
    });

    it("frees room under the limit of 50", async () => {
      const name = uniqueName("untag-room");
      await createStream(name, 1);
      const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, ""]));
      await ok("AddTagsToStream", { StreamName: name, Tags: tags });
      await ok(OP, { StreamName: name, TagKeys: ["k0"] });
      await ok("AddTagsToStream", { StreamName: name, Tags: { new: "" } });
      expect(await tagsOf(name)).toHaveLength(50);
    });

    it("accepts StreamARN", async () => {
      const name = uniqueName("untag-arn");
      await createStream(name, 1);
      await ok("AddTagsToStream", { StreamName: name, Tags: { k: "v", j: "w" } });
      await ok(OP, { StreamARN: streamArnOf(name), TagKeys: ["k"] });
      expect(await tagsOf(name)).toEqual([{ Key: "j", Value: "w" }]);
    });
  });
});
