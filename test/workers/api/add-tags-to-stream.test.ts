import { describe, expect, it } from "vitest";
import {
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
import {
  addTagsCases,
  BY_STREAM_NAME,
  INVALID,
  RESERVED,
  tagsNamed,
  tooMany,
} from "./tags.case.js";

const OP = "AddTagsToStream";
const cases = addTagsCases(OP, BY_STREAM_NAME);

describeEachWire("AddTagsToStream", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["StreamName", "String"],
      ["Tags", "Map"],
      ["Tags.a", "String"],
      ["StreamARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires Tags", async () => {
      await expectValidation(OP, {}, [failure("null", "tags", rule.notNull)]);
      await expectValidation(OP, { StreamName: "s", Tags: null }, [
        failure("null", "tags", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { StreamName: "", Tags: {}, StreamARN: "", StreamId: "" }, [
        failure("''", "streamName", rule.pattern(PATTERN.streamName)),
        failure("''", "streamName", rule.minLength(1)),
        failure("'{}'", "tags", rule.minLength(1)),
        failure("''", "streamARN", rule.pattern(PATTERN.streamArn)),
        failure("''", "streamARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    it("checks StreamName's upper bound", async () => {
      const name = "a".repeat(129);
      await expectValidation(OP, { StreamName: name, Tags: { a: "b" } }, [
        failure(`'${name}'`, "streamName", rule.maxLength(128)),
      ]);
    });

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        { Tags: { a: "b" } },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });

    cases.validation();
  });

  describe("behaviour", () => {
    cases.behaviour();

    it("accepts StreamARN, and refuses one that disagrees with StreamName", async () => {
      const name = uniqueName("tag-arn");
      await createStream(name, 1);
      await ok(OP, { StreamARN: streamArnOf(name), Tags: { k: "v" } });
      expect(await tagsOf(name)).toEqual([{ Key: "k", Value: "v" }]);
      await expectError(
        OP,
        { StreamName: `${name}-x`, StreamARN: streamArnOf(name), Tags: { k: "v" } },
        "InvalidArgumentException",
        `StreamName ${name}-x and StreamARN ${streamArnOf(name)} name different streams.`,
      );
    });
  });

  describe("CreateStream's Tags", () => {
    it("are checked as AddTagsToStream checks them, and nothing is created", async () => {
      const name = uniqueName("cs-tags");
      await expectError(
        "CreateStream",
        { StreamName: name, ShardCount: 1, Tags: { "a;b": "c" } },
        "InvalidArgumentException",
        INVALID,
      );
      await expectError(
        "CreateStream",
        { StreamName: name, ShardCount: 1, Tags: { "aws:a": "c" } },
        "InvalidArgumentException",
        RESERVED,
      );
      await expectError(
        "CreateStream",
        { StreamName: name, ShardCount: 1, Tags: tagsNamed(51) },
        "InvalidArgumentException",
        tooMany(name),
      );
      await expectError(
        "DescribeStreamSummary",
        { StreamName: name },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("are the stream's from the start, up to 50", async () => {
      const name = uniqueName("cs-tags50");
      await ok("CreateStream", { StreamName: name, ShardCount: 1, Tags: tagsNamed(50) });
      expect(await tagsOf(name)).toHaveLength(50);
      await expectError(
        OP,
        { StreamName: name, Tags: { x: "" } },
        "InvalidArgumentException",
        tooMany(name),
      );
    });
  });
});
