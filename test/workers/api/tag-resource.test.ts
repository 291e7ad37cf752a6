import { describe, it } from "vitest";
import { expectValidation, failure, PATTERN, refusesWrongTypes, rule } from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { addTagsCases, BY_RESOURCE_ARN, RESOURCE_ARN, resourceArnCases } from "./tags.case.js";

const OP = "TagResource";
const cases = addTagsCases(OP, BY_RESOURCE_ARN);

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

    resourceArnCases(OP, (arn) => ({ Tags: { a: "b" }, ResourceARN: arn }));
    cases.validation();
  });

  describe("behaviour", () => {
    cases.behaviour();
  });
});
