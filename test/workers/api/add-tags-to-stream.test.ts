import { describe, expect, it } from "vitest";
import {
  call,
  createStream,
  deleteStream,
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

const OP = "AddTagsToStream";

/** AWS's message for characters a tag may not hold (kinesalite's recordings). */
const INVALID =
  "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.";

const tooMany = (name: string) =>
  `Failed to add tags to stream ${name} under account 000000000000 because a given stream cannot have more than 50 tags associated with it.`;

/** `n` tags named `${prefix}0` … */
const tagsNamed = (n: number, prefix = "k") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

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

    it("checks the keys' and values' lengths and the number of tags in one request", async () => {
      const long = "k".repeat(129);
      await expectValidation(OP, { StreamName: "s", Tags: { a: "1", [long]: "2" } }, [
        failure(
          `'{a=1, ${long}=2}'`,
          "tags",
          "Map keys must satisfy constraint: [Member must have length less than or equal to 128, " +
            "Member must have length greater than or equal to 1]",
        ),
      ]);
      const value = "v".repeat(257);
      await expectValidation(OP, { StreamName: "s", Tags: { a: value } }, [
        failure(
          `'{a=${value}}'`,
          "tags",
          "Map value must satisfy constraint: [Member must have length less than or equal to 256, " +
            "Member must have length greater than or equal to 0]",
        ),
      ]);
      const tags = tagsNamed(201);
      const rendered = `'{${Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}}'`;
      await expectValidation(OP, { StreamName: "s", Tags: tags }, [
        failure(rendered, "tags", rule.maxLength(200)),
      ]);
    });

    it("answers a stream that does not exist with ResourceNotFoundException, before the tags' characters", async () => {
      const name = uniqueName("tag-none");
      await expectError(
        OP,
        { StreamName: name, Tags: { "a;b": "c" } },
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    });

    it("requires StreamName or StreamARN", async () => {
      await expectError(
        OP,
        { Tags: { a: "b" } },
        "InvalidArgumentException",
        "Either StreamName or StreamARN must be provided.",
      );
    });

    it("refuses characters AWS does not allow, in keys and in values", async () => {
      const name = uniqueName("tag-chars");
      await createStream(name, 1);
      for (const bad of ["abc;def", "abc\tdef", "abc\ndef", "abc,def", "a#b", "a*b", "a<b"]) {
        await expectError(
          OP,
          { StreamName: name, Tags: { [bad]: "1" } },
          "InvalidArgumentException",
          INVALID,
        );
        await expectError(
          OP,
          { StreamName: name, Tags: { a: bad } },
          "InvalidArgumentException",
          INVALID,
        );
      }
      expect(await tagsOf(name)).toEqual([]);
    });

    it("refuses keys that begin with aws:, in any case", async () => {
      const name = uniqueName("tag-aws");
      await createStream(name, 1);
      for (const key of ["aws:x", "AWS:x", "Aws:"]) {
        await expectError(
          OP,
          { StreamName: name, Tags: { ok: "1", [key]: "v" } },
          "InvalidArgumentException",
          "Tag keys beginning with aws: are reserved for system use.",
        );
      }
      await ok(OP, { StreamName: name, Tags: { "x-aws:": "v", a: "aws:value" } });
      expect(await tagsOf(name)).toEqual([
        { Key: "a", Value: "aws:value" },
        { Key: "x-aws:", Value: "v" },
      ]);
    });
  });

  describe("behaviour", () => {
    it("adds tags, answers with an empty body, and replaces the values of keys the stream has", async () => {
      const name = uniqueName("tag-add");
      await createStream(name, 1);
      const answer = await call(OP, {
        StreamName: name,
        Tags: { a: "a", "ü0 _.": "a", "/=+-@%:": "a", b: "ü0 _./=+-@%:", c: "" },
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      await ok(OP, { StreamName: name, Tags: { a: "b" } });
      expect(await tagsOf(name)).toEqual([
        { Key: "/=+-@%:", Value: "a" },
        { Key: "a", Value: "b" },
        { Key: "b", Value: "ü0 _./=+-@%:" },
        { Key: "c", Value: "" },
        { Key: "ü0 _.", Value: "a" },
      ]);
    });

    it("accepts Unicode letters, digits and spaces of other scripts", async () => {
      const name = uniqueName("tag-unicode");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, Tags: { 名前: "値 ٣", "Ωmega\u00a0x": "𝒳" } });
      expect(await tagsOf(name)).toHaveLength(2);
    });

    it("keeps at most 50 tags on a stream, counting the keys it already has", async () => {
      const name = uniqueName("tag-limit");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, Tags: tagsNamed(45) });
      await expectError(
        OP,
        { StreamName: name, Tags: tagsNamed(6, "n") },
        "InvalidArgumentException",
        tooMany(name),
      );
      // Replacing values of keys it has adds none.
      await ok(OP, { StreamName: name, Tags: { ...tagsNamed(45), ...tagsNamed(5, "n") } });
      expect(await tagsOf(name)).toHaveLength(50);
      await expectError(
        OP,
        { StreamName: name, Tags: { x: "y" } },
        "InvalidArgumentException",
        tooMany(name),
      );
    });

    it("refuses more than 50 tags in one request", async () => {
      const name = uniqueName("tag-51");
      await createStream(name, 1);
      await expectError(
        OP,
        { StreamName: name, Tags: tagsNamed(51) },
        "InvalidArgumentException",
        tooMany(name),
      );
      expect(await tagsOf(name)).toEqual([]);
    });

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

    it("keeps one region's tags from another's", async () => {
      const name = uniqueName("tag-region");
      await createStream(name, 1);
      await createStream(name, 1, "eu-west-1");
      await ok(OP, { StreamName: name, Tags: { region: "us" } });
      expect(await tagsOf(name, "eu-west-1")).toEqual([]);
    });

    it("forgets a deleted stream's tags: a new stream of the name starts with none", async () => {
      const name = uniqueName("tag-del");
      await createStream(name, 1);
      await ok(OP, { StreamName: name, Tags: { old: "1" } });
      await deleteStream(name);
      await createStream(name, 1);
      expect(await tagsOf(name)).toEqual([]);
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
        "Tag keys beginning with aws: are reserved for system use.",
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
