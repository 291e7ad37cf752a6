import { describe, it } from "vitest";
import {
  expectValidation,
  failure,
  PATTERN,
  refusesMissingStream,
  refusesWrongTypes,
  rule,
  streamArnOf,
} from "../support/kinesis.js";
import { describeEachWire } from "../support/wire.js";
import { BY_RESOURCE_ARN, listTagsCases, RESOURCE_ARN, resourceArnCases } from "./tags.case.js";

const OP = "ListTagsForResource";
const cases = listTagsCases(OP, BY_RESOURCE_ARN, (tags) => ({ Tags: tags }));

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
    resourceArnCases(OP, (arn) => ({ ResourceARN: arn }));
  });

  describe("behaviour", () => {
    cases.behaviour();
  });
});
