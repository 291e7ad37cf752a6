import { describe, it } from "vitest";
import { expectValidation, failure, PATTERN, refusesWrongTypes, rule } from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { BY_RESOURCE_ARN, RESOURCE_ARN, removeTagsCases, resourceArnCases } from "./tags.case.js";

const OP = "UntagResource";
const cases = removeTagsCases(OP, BY_RESOURCE_ARN);

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

    resourceArnCases(OP, (arn) => ({ TagKeys: ["a"], ResourceARN: arn }));
    cases.validation();
  });

  describe("behaviour", () => {
    cases.behaviour();
  });
});
