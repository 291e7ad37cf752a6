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

const OP = "TagResource";
const RESOURCE_ARN = "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+";

describeEachWire("TagResource", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["Tags", "Map"],
      ["Tags.a", "String"],
      ["ResourceARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires Tags and ResourceARN", async () => {
      await expectValidation(OP, {}, [
        failure("null", "tags", rule.notNull),
        failure("null", "resourceARN", rule.notNull),
      ]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { Tags: {}, ResourceARN: "", StreamId: "" }, [
        failure("'{}'", "tags", rule.minLength(1)),
        failure("''", "resourceARN", rule.pattern(RESOURCE_ARN)),
        failure("''", "resourceARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    it("matches ResourceARN against its pattern", async () => {
      for (const arn of [
        "arn:aws:kinesis:us-east-1:000000000000:table/x",
        "arn:aws:kinesis:us-east-1:0000:stream/x",
        "arn:aws:dynamodb:us-east-1:000000000000:stream/x",
      ]) {
        await expectValidation(OP, { Tags: { a: "b" }, ResourceARN: arn }, [
          failure(`'${arn}'`, "resourceARN", rule.pattern(RESOURCE_ARN)),
        ]);
      }
    });

    refusesMissingStream(OP, "tr-none", (name) => ({
      Tags: { a: "b" },
      ResourceARN: streamArnOf(name),
    }));

    it("does not find another account's or region's stream", async () => {
      const name = uniqueName("tr-other");
      await createStream(name, 1);
      await expectError(
        OP,
        { Tags: { a: "b" }, ResourceARN: `arn:aws:kinesis:us-east-1:111111111111:stream/${name}` },
        "ResourceNotFoundException",
        `Stream ${name} under account 111111111111 not found.`,
      );
      await expectError(
        OP,
        { Tags: { a: "b" }, ResourceARN: streamArnOf(name, "eu-west-1") },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("does not find a consumer, since there are none yet", async () => {
      const name = uniqueName("tr-consumer");
      await createStream(name, 1);
      const arn = `${streamArnOf(name)}/consumer/app:1700000000`;
      await expectError(
        OP,
        { Tags: { a: "b" }, ResourceARN: arn },
        "ResourceNotFoundException",
        `Consumer ${arn} under account 000000000000 not found.`,
      );
    });

    it("refuses an ARN of the pattern that names no stream or consumer", async () => {
      const arn = "arn:aws:kinesis:us-east-1:000000000000:deliverystream/x";
      await expectError(
        OP,
        { Tags: { a: "b" }, ResourceARN: arn },
        "InvalidArgumentException",
        `Invalid ResourceARN ${arn}.`,
      );
    });

    it("checks the tags as AddTagsToStream does", async () => {
      const name = uniqueName("tr-chars");
      await createStream(name, 1);
      await expectError(
        OP,
        { Tags: { "a;b": "c" }, ResourceARN: streamArnOf(name) },
        "InvalidArgumentException",
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.",
      );
      await expectError(
        OP,
        { Tags: { "aws:a": "c" }, ResourceARN: streamArnOf(name) },
        "InvalidArgumentException",
        "Tag keys beginning with aws: are reserved for system use.",
      );
      const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, ""]));
      await expectError(
        OP,
        { Tags: tags, ResourceARN: streamArnOf(name) },
        "InvalidArgumentException",
        `Failed to add tags to stream ${name} under account 000000000000 because a given stream cannot have more than 50 tags associated with it.`,
      );
    });
  });

  describe("behaviour", () => {
    it("tags a stream named by ARN, with an empty answer", async () => {
      const name = uniqueName("tr");
      await createStream(name, 1);
      const answer = await call(OP, { Tags: { b: "2", a: "1" }, ResourceARN: streamArnOf(name) });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      await ok(OP, { Tags: { a: "one" }, ResourceARN: streamArnOf(name) });
      expect(await tagsOf(name)).toEqual([
        { Key: "a", Value: "one" },
        { Key: "b", Value: "2" },
      ]);
    });

    it("tags a stream of another region when asked there", async () => {
      const name = uniqueName("tr-region");
      await createStream(name, 1, "eu-west-1");
      await ok(OP, { Tags: { r: "eu" }, ResourceARN: streamArnOf(name, "eu-west-1") }, "eu-west-1");
      expect(await tagsOf(name, "eu-west-1")).toEqual([{ Key: "r", Value: "eu" }]);
    });
  });
});
