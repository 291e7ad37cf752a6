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

const OP = "ListTagsForResource";
const RESOURCE_ARN = "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+";

describeEachWire("ListTagsForResource", () => {
  describe("serialization", () => {
    refusesWrongTypes(OP, [
      ["ResourceARN", "String"],
      ["StreamId", "String"],
    ]);
  });

  describe("validation", () => {
    it("requires ResourceARN", async () => {
      await expectValidation(OP, {}, [failure("null", "resourceARN", rule.notNull)]);
    });

    it("checks every member's lower bounds, in model order", async () => {
      await expectValidation(OP, { ResourceARN: "", StreamId: "" }, [
        failure("''", "resourceARN", rule.pattern(RESOURCE_ARN)),
        failure("''", "resourceARN", rule.minLength(1)),
        failure("''", "streamId", rule.pattern(PATTERN.streamId)),
        failure("''", "streamId", rule.minLength(1)),
      ]);
    });

    refusesMissingStream(OP, "ltr-none", (name) => ({ ResourceARN: streamArnOf(name) }));

    it("does not find a consumer, since there are none yet", async () => {
      const name = uniqueName("ltr-consumer");
      await createStream(name, 1);
      const arn = `${streamArnOf(name)}/consumer/app:1700000000`;
      await expectError(
        OP,
        { ResourceARN: arn },
        "ResourceNotFoundException",
        `Consumer ${arn} under account 000000000000 not found.`,
      );
    });
  });

  describe("behaviour", () => {
    it("lists every tag of a stream named by ARN, in key order", async () => {
      const name = uniqueName("ltr");
      await createStream(name, 1);
      expect(await ok(OP, { ResourceARN: streamArnOf(name) })).toEqual({ Tags: [] });
      const tags = Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`k${String(49 - i).padStart(2, "0")}`, `${i}`]),
      );
      await ok("TagResource", { ResourceARN: streamArnOf(name), Tags: tags });
      const body = await ok(OP, { ResourceARN: streamArnOf(name) });
      const listed = body.Tags as { Key: string; Value: string }[];
      expect(listed).toHaveLength(50);
      expect(listed[0]).toEqual({ Key: "k00", Value: "49" });
      expect(listed.map((t) => t.Key)).toEqual(Object.keys(tags).sort());
      expect(Object.keys(body)).toEqual(["Tags"]);
    });
  });
});
