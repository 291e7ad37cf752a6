import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { KinesisError } from "../../../src/kinesis/errors/index.js";
import { parseInput } from "../../../src/kinesis/parse-input.js";
import {
  blob,
  boolean,
  integer,
  list,
  map,
  required,
  type Shape,
  type StructureShape,
  string,
  struct,
  timestamp,
} from "../../../src/kinesis/shape.js";

// Shapes in the form Kinesis's model gives them.
const StreamName = string({ min: 1, max: 128, pattern: "[a-zA-Z0-9_.-]+" });
const ShardIteratorType = string({
  enum: ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"],
});
const TagKey = string({ min: 1, max: 128 });
const TagValue = string({ min: 0, max: 256 });

const CreateStreamInput = struct({
  StreamName: required(StreamName),
  ShardCount: integer({ min: 1, max: 100000 }),
});
const GetShardIteratorInput = struct({
  StreamName: required(StreamName),
  ShardId: required(string({ min: 1, max: 128, pattern: "[a-zA-Z0-9_.-]+" })),
  ShardIteratorType: required(ShardIteratorType),
  StartingSequenceNumber: string({ pattern: "0|([1-9]\\d{0,128})" }),
  Timestamp: timestamp(),
});
const PutRecordsRequestEntry = struct(
  {
    Data: required(blob({ max: 1048576 })),
    ExplicitHashKey: string({ pattern: "0|([1-9]\\d{0,38})" }),
    PartitionKey: required(string({ min: 1, max: 256 })),
  },
  "PutRecordsRequestEntry",
);
const PutRecordsInput = struct({
  Records: required(list(PutRecordsRequestEntry, { min: 1, max: 500 })),
  StreamName: required(StreamName),
});
const AddTagsToStreamInput = struct({
  Tags: required(map(TagKey, TagValue, { min: 1, max: 10 })),
  StreamName: required(StreamName),
});
const RemoveTagsFromStreamInput = struct({
  TagKeys: required(list(TagKey, { min: 1, max: 10 })),
  StreamName: required(StreamName),
});
const EnableEnhancedMonitoringInput = struct({
  ShardLevelMetrics: required(
    list(string({ enum: ["IncomingBytes", "OutgoingBytes", "ALL"] }), { min: 1, max: 7 }),
  ),
  StreamName: required(StreamName),
});

/** One optional member of every kind, for the type errors. */
const EveryKind = struct({
  Str: string(),
  Int: integer(),
  Bool: boolean(),
  Data: blob(),
  When: timestamp(),
  Items: list(string()),
  Tags: map(string(), string()),
  Nested: struct({ Inner: string() }),
});

/** What `parseInput` throws for `body`, or a failure if it accepts it. */
function rejection(shape: StructureShape, body: unknown): KinesisError {
  try {
    parseInput(shape, body);
  } catch (error) {
    if (error instanceof KinesisError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

function serializationMessage(shape: StructureShape, body: unknown): string {
  const error = rejection(shape, body);
  expect(error.type).toBe("SerializationException");
  expect(error.status).toBe(400);
  return error.message;
}

function validationMessage(shape: StructureShape, body: unknown): string {
  const error = rejection(shape, body);
  expect(error.type).toBe("ValidationException");
  expect(error.status).toBe(400);
  return error.message;
}

/** The individual failures of a ValidationException message. */
function validationErrors(message: string): string[] {
  const match = /^(\d+) validation errors? detected: (.*)$/s.exec(message);
  if (!match?.[1] || match[2] === undefined)
    throw new Error(`not a validation message: ${message}`);
  const errors = match[2].split(/; (?=Value )/);
  expect(errors).toHaveLength(Number(match[1]));
  return errors;
}

/** Puts `value` at `member` of an otherwise empty body. */
const only = (member: string, value: unknown) => ({ [member]: value });

describe("parseInput", () => {
  describe("SerializationException for a wrong JSON type", () => {
    const cases: [member: string, value: unknown, message: string][] = [
      ["Str", true, "class java.lang.Boolean can not be converted to an String"],
      ["Str", 12, "class java.math.BigDecimal can not be converted to an String"],
      ["Str", 34.56, "class java.math.BigDecimal can not be converted to an String"],
      ["Str", [], "Start of list found where not expected"],
      ["Str", {}, "Start of structure or map found where not expected."],
      ["Int", "a", "class java.lang.String can not be converted to an Integer"],
      ["Int", "23", "class java.lang.String can not be converted to an Integer"],
      ["Int", true, "class java.lang.Boolean can not be converted to an Integer"],
      ["Int", [], "Start of list found where not expected"],
      ["Int", {}, "Start of structure or map found where not expected."],
      ["Bool", 23, "class java.math.BigDecimal can not be converted to an Boolean"],
      ["Bool", "23", "'23' can not be converted to an Boolean"],
      ["Bool", "yes", "'YES' can not be converted to an Boolean"],
      ["Bool", [], "Start of list found where not expected"],
      ["Bool", {}, "Start of structure or map found where not expected."],
      ["Data", true, "class java.lang.Boolean can not be converted to a Blob"],
      ["Data", 23, "class java.math.BigDecimal can not be converted to a Blob"],
      ["Data", [], "Start of list found where not expected"],
      ["Data", {}, "Start of structure or map found where not expected."],
      ["When", [], "Start of list found where not expected"],
      ["When", {}, "Start of structure or map found where not expected."],
      ["When", true, "class java.lang.Boolean can not be converted to milliseconds since epoch"],
      [
        "When",
        "2020-01-01",
        "class java.lang.String can not be converted to milliseconds since epoch",
      ],
      ["Items", "23", "Expected list or null"],
      ["Items", true, "Expected list or null"],
      ["Items", 23, "Expected list or null"],
      ["Items", {}, "Start of structure or map found where not expected."],
      ["Tags", "23", "Expected map or null"],
      ["Tags", true, "Expected map or null"],
      ["Tags", 23, "Expected map or null"],
      ["Tags", [], "Start of list found where not expected"],
      ["Nested", "23", "Expected null"],
      ["Nested", true, "Expected null"],
      ["Nested", 23, "Expected null"],
      ["Nested", [], "Start of list found where not expected"],
    ];
    for (const [member, value, message] of cases) {
      it(`answers ${JSON.stringify(value)} for a ${member} member with "${message}"`, () => {
        expect(serializationMessage(EveryKind, only(member, value))).toBe(message);
      });
    }

    it("checks the members of list items, map values and nested structures", () => {
      expect(serializationMessage(EveryKind, { Items: ["a", 1] })).toBe(
        "class java.math.BigDecimal can not be converted to an String",
      );
      expect(serializationMessage(EveryKind, { Tags: { a: "b", c: false } })).toBe(
        "class java.lang.Boolean can not be converted to an String",
      );
      expect(serializationMessage(EveryKind, { Nested: { Inner: [] } })).toBe(
        "Start of list found where not expected",
      );
      expect(
        serializationMessage(PutRecordsInput, {
          StreamName: "s",
          Records: [{ PartitionKey: "a", Data: "" }, "x"],
        }),
      ).toBe("Expected null");
    });

    it("takes CBOR's byte strings and timestamps for the single items they are, not for empty structures", () => {
      // cborg decodes them to a Uint8Array and a Date, both objects to JavaScript.
      for (const value of [new Uint8Array(0), new Uint8Array([1, 2]), new Date(0)]) {
        expect(serializationMessage(EveryKind, only("Items", value))).toBe("Expected list or null");
        expect(serializationMessage(EveryKind, only("Tags", value))).toBe("Expected map or null");
        expect(serializationMessage(EveryKind, only("Nested", value))).toBe("Expected null");
        expect(serializationMessage(EveryKind, value)).toBe("Expected null");
      }
    });

    it("answers a body that is not an object", () => {
      expect(serializationMessage(EveryKind, [])).toBe("Start of list found where not expected");
      expect(serializationMessage(EveryKind, "body")).toBe("Expected null");
      expect(serializationMessage(EveryKind, 5)).toBe("Expected null");
    });

    it("reports the type error before any constraint failure, and only one", () => {
      const message = serializationMessage(CreateStreamInput, {
        StreamName: "not valid!",
        ShardCount: "two",
      });
      expect(message).toBe("class java.lang.String can not be converted to an Integer");
      expect(serializationMessage(EveryKind, { Str: 1, Int: "a" })).toBe(
        "class java.math.BigDecimal can not be converted to an String",
      );
    });

    describe("for a blob that is not strict base64", () => {
      it("quotes the value and gives the base64 decoder's reason", () => {
        expect(serializationMessage(EveryKind, only("Data", "23456"))).toBe(
          "'23456' can not be converted to a Blob: " +
            "Base64 encoded length is expected a multiple of 4 bytes but found: 5",
        );
        expect(serializationMessage(EveryKind, only("Data", "=+/="))).toBe(
          "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='",
        );
        expect(serializationMessage(EveryKind, only("Data", "+/+="))).toBe(
          "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
        );
      });

      it("abbreviates a value longer than 64 characters", () => {
        const value = `${"A".repeat(100)}!!!!`;
        expect(serializationMessage(EveryKind, only("Data", value))).toBe(
          `'${"A".repeat(64)}...' can not be converted to a Blob: Invalid Base64 character: '!'`,
        );
      });
    });
  });

  describe("ValidationException", () => {
    it("words one failure the way AWS does", () => {
      expect(validationMessage(CreateStreamInput, { StreamName: "x y" })).toBe(
        "1 validation error detected: Value 'x y' at 'streamName' failed to satisfy constraint: " +
          "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
      );
    });

    it("reports a missing required member as null", () => {
      expect(
        validationMessage(GetShardIteratorInput, {
          StreamName: "s",
          ShardId: "shardId-000000000000",
        }),
      ).toBe(
        "1 validation error detected: Value null at 'shardIteratorType' failed to satisfy " +
          "constraint: Member must not be null",
      );
    });

    it("treats an explicit null like an absent member", () => {
      expect(
        validationMessage(GetShardIteratorInput, {
          StreamName: "s",
          ShardId: "shardId-000000000000",
          ShardIteratorType: null,
        }),
      ).toBe(
        "1 validation error detected: Value null at 'shardIteratorType' failed to satisfy " +
          "constraint: Member must not be null",
      );
    });

    it("counts and joins several failures with '; '", () => {
      expect(validationMessage(GetShardIteratorInput, {})).toBe(
        "3 validation errors detected: " +
          "Value null at 'streamName' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'shardId' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null",
      );
    });

    it("treats an absent or null body as an empty structure", () => {
      const expected = validationMessage(GetShardIteratorInput, {});
      expect(validationMessage(GetShardIteratorInput, null)).toBe(expected);
      expect(validationMessage(GetShardIteratorInput, undefined)).toBe(expected);
    });

    it("reports every constraint a value fails, a string's pattern before its length", () => {
      expect(validationMessage(CreateStreamInput, { StreamName: "" })).toBe(
        "2 validation errors detected: " +
          "Value '' at 'streamName' failed to satisfy constraint: " +
          "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
          "Value '' at 'streamName' failed to satisfy constraint: " +
          "Member must have length greater than or equal to 1",
      );
    });

    it("lists at most ten constraint failures", () => {
      const records = Array.from({ length: 12 }, () => ({ PartitionKey: "", Data: "" }));
      const message = validationMessage(PutRecordsInput, { StreamName: "", Records: records });
      expect(message.startsWith("10 validation errors detected: ")).toBe(true);
      const errors = validationErrors(message);
      expect(errors).toHaveLength(10);
      expect(errors).toEqual(
        Array.from(
          { length: 10 },
          (_, i) =>
            `Value '' at 'records.${i + 1}.member.partitionKey' failed to satisfy constraint: ` +
            "Member must have length greater than or equal to 1",
        ),
      );
    });

    it("lists ten failures for any larger number of them", () => {
      fc.assert(
        fc.property(fc.integer({ min: 10, max: 40 }), (count) => {
          const records = Array.from({ length: count }, () => ({ PartitionKey: "", Data: "" }));
          const message = validationMessage(PutRecordsInput, { StreamName: "s", Records: records });
          expect(validationErrors(message)).toHaveLength(10);
        }),
        { numRuns: 10 },
      );
    });

    it("names members nested in lists by their 1-based index", () => {
      const message = validationMessage(PutRecordsInput, {
        StreamName: "s",
        Records: [
          { PartitionKey: "a", Data: "" },
          { PartitionKey: "", Data: "", ExplicitHashKey: "01" },
        ],
      });
      expect(validationErrors(message)).toEqual([
        "Value '01' at 'records.2.member.explicitHashKey' failed to satisfy constraint: " +
          "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        "Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: " +
          "Member must have length greater than or equal to 1",
      ]);
    });

    it("reports a missing required member of a list item", () => {
      expect(
        validationMessage(PutRecordsInput, { StreamName: "s", Records: [{ PartitionKey: "a" }] }),
      ).toBe(
        "1 validation error detected: Value null at 'records.1.member.data' failed to satisfy " +
          "constraint: Member must not be null",
      );
    });

    it("renders a blob as Java's HeapByteBuffer with its decoded length", () => {
      const shape = struct({ Data: blob({ max: 4 }) });
      expect(validationMessage(shape, { Data: "AAAAAAA=" })).toBe(
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=5 cap=5]' at " +
          "'data' failed to satisfy constraint: Member must have length less than or equal to 4",
      );
    });

    it("measures a blob passed as bytes (CBOR) by its byte length", () => {
      const shape = struct({ Data: blob({ min: 1 }) });
      expect(validationMessage(shape, { Data: new Uint8Array(0) })).toBe(
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=0 cap=0]' at " +
          "'data' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    });

    it("lists the enum's values", () => {
      expect(
        validationMessage(GetShardIteratorInput, {
          StreamName: "s",
          ShardId: "shardId-000000000000",
          ShardIteratorType: "SOMETIMES",
        }),
      ).toBe(
        "1 validation error detected: Value 'SOMETIMES' at 'shardIteratorType' failed to satisfy " +
          "constraint: Member must satisfy enum value set: " +
          "[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]",
      );
    });

    it("checks integer ranges", () => {
      expect(validationMessage(CreateStreamInput, { StreamName: "s", ShardCount: 0 })).toBe(
        "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: " +
          "Member must have value greater than or equal to 1",
      );
      expect(validationMessage(CreateStreamInput, { StreamName: "s", ShardCount: 100001 })).toBe(
        "1 validation error detected: Value '100001' at 'shardCount' failed to satisfy constraint: " +
          "Member must have value less than or equal to 100000",
      );
      expect(parseInput(CreateStreamInput, { StreamName: "s", ShardCount: 1 }).ShardCount).toBe(1);
      expect(
        parseInput(CreateStreamInput, { StreamName: "s", ShardCount: 100000 }).ShardCount,
      ).toBe(100000);
    });

    it("checks string lengths at both ends", () => {
      expect(validationMessage(CreateStreamInput, { StreamName: "a".repeat(129) })).toBe(
        `1 validation error detected: Value '${"a".repeat(129)}' at 'streamName' failed to ` +
          "satisfy constraint: Member must have length less than or equal to 128",
      );
      expect(
        parseInput(CreateStreamInput, { StreamName: "a".repeat(128) }).StreamName,
      ).toHaveLength(128);
    });

    it("matches the whole value against the pattern, alternation included", () => {
      const shape = struct({ Key: string({ pattern: "0|([1-9]\\d{0,38})" }) });
      for (const ok of ["0", "1", "123", "9".repeat(39)]) {
        expect(parseInput(shape, { Key: ok }).Key).toBe(ok);
      }
      for (const bad of ["", "01", "00", "1a", "a1", " 1", "9".repeat(40)]) {
        expect(validationMessage(shape, { Key: bad })).toBe(
          `1 validation error detected: Value '${bad}' at 'key' failed to satisfy constraint: ` +
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        );
      }
    });

    it("shows an anchored model pattern without its anchors", () => {
      const shape = struct({ Name: string({ pattern: "^[a-z]+$" }) });
      expect(validationMessage(shape, { Name: "A" })).toBe(
        "1 validation error detected: Value 'A' at 'name' failed to satisfy constraint: " +
          "Member must satisfy regular expression pattern: [a-z]+",
      );
    });

    it("anchors the whole of an anchored alternation, as Java's matches() does", () => {
      const shape = struct({ Key: string({ pattern: "^0|([1-9]\\d{0,38})$" }) });
      expect(parseInput(shape, { Key: "0" }).Key).toBe("0");
      expect(parseInput(shape, { Key: "10" }).Key).toBe("10");
      for (const bad of ["01", "0x", "x1"]) {
        expect(validationMessage(shape, { Key: bad })).toBe(
          `1 validation error detected: Value '${bad}' at 'key' failed to satisfy constraint: ` +
            "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        );
      }
    });

    it("renders a list by its items", () => {
      expect(validationMessage(RemoveTagsFromStreamInput, { StreamName: "s", TagKeys: [] })).toBe(
        "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: " +
          "Member must have length greater than or equal to 1",
      );
      const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"];
      expect(validationMessage(RemoveTagsFromStreamInput, { StreamName: "s", TagKeys: keys })).toBe(
        "1 validation error detected: Value '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]' at 'tagKeys' " +
          "failed to satisfy constraint: Member must have length less than or equal to 10",
      );
    });

    it("renders a list of structures by their Java class names", () => {
      const records = Array.from({ length: 501 }, () => ({ PartitionKey: "a", Data: "" }));
      const [error] = validationErrors(
        validationMessage(PutRecordsInput, { StreamName: "s", Records: records }),
      );
      expect(error).toMatch(
        /^Value '\[(com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@[0-9a-f]+, ){500}com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@[0-9a-f]+\]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
      );
    });

    it("reports a list of scalars whose items break a constraint once, at the list", () => {
      const long = "a".repeat(129);
      expect(
        validationMessage(RemoveTagsFromStreamInput, {
          StreamName: "s",
          TagKeys: ["a", long, "b"],
        }),
      ).toBe(
        `1 validation error detected: Value '[a, ${long}, b]' at 'tagKeys' failed to satisfy ` +
          "constraint: Member must satisfy constraint: [Member must have length less than or " +
          "equal to 128, Member must have length greater than or equal to 1]",
      );
      expect(
        validationMessage(RemoveTagsFromStreamInput, { StreamName: "s", TagKeys: ["", long] }),
      ).toBe(
        `1 validation error detected: Value '[, ${long}]' at 'tagKeys' failed to satisfy ` +
          "constraint: Member must satisfy constraint: [Member must have length less than or " +
          "equal to 128, Member must have length greater than or equal to 1]",
      );
      expect(
        validationMessage(EnableEnhancedMonitoringInput, {
          StreamName: "s",
          ShardLevelMetrics: ["ALL", "Bytes"],
        }),
      ).toBe(
        "1 validation error detected: Value '[ALL, Bytes]' at 'shardLevelMetrics' failed to " +
          "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value " +
          "set: [IncomingBytes, OutgoingBytes, ALL]]",
      );
    });

    describe("for null items, which the parsed types do not allow", () => {
      it("reports a null structure item as a missing member", () => {
        expect(validationMessage(PutRecordsInput, { StreamName: "s", Records: [null] })).toBe(
          "1 validation error detected: Value null at 'records.1.member' failed to satisfy " +
            "constraint: Member must not be null",
        );
      });

      it("reports a null scalar item at the list, adding the rule it broke", () => {
        expect(validationMessage(EveryKind, { Items: ["a", null] })).toBe(
          "1 validation error detected: Value '[a, null]' at 'items' failed to satisfy " +
            "constraint: Member must satisfy constraint: [Member must not be null]",
        );
        expect(
          validationMessage(RemoveTagsFromStreamInput, { StreamName: "s", TagKeys: ["a", null] }),
        ).toBe(
          "1 validation error detected: Value '[a, null]' at 'tagKeys' failed to satisfy " +
            "constraint: Member must satisfy constraint: [Member must have length less than or " +
            "equal to 128, Member must have length greater than or equal to 1, Member must not " +
            "be null]",
        );
      });

      it("reports a null map value at the map", () => {
        expect(validationMessage(EveryKind, { Tags: { a: "b", c: null } })).toBe(
          "1 validation error detected: Value '{a=b, c=null}' at 'tags' failed to satisfy " +
            "constraint: Map value must satisfy constraint: [Member must not be null]",
        );
      });

      it("reports a null structure value of a map as a missing member", () => {
        const shape = struct({ Items: map(string(), struct({ Keys: list(string()) })) });
        expect(validationMessage(shape, { Items: { a: null } })).toBe(
          "1 validation error detected: Value null at 'items.a.member' failed to satisfy " +
            "constraint: Member must not be null",
        );
      });
    });

    describe("for maps", () => {
      it("renders the map as {key=value, ...} and checks its size", () => {
        expect(validationMessage(AddTagsToStreamInput, { StreamName: "s", Tags: {} })).toBe(
          "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: " +
            "Member must have length greater than or equal to 1",
        );
        const tags = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, `${i}`]));
        expect(validationMessage(AddTagsToStreamInput, { StreamName: "s", Tags: tags })).toBe(
          "1 validation error detected: Value '{k0=0, k1=1, k2=2, k3=3, k4=4, k5=5, k6=6, k7=7, " +
            "k8=8, k9=9, k10=10}' at 'tags' failed to satisfy constraint: " +
            "Member must have length less than or equal to 10",
        );
      });

      it("reports keys that break a constraint once, at the map", () => {
        const long = "a".repeat(129);
        expect(
          validationMessage(AddTagsToStreamInput, {
            StreamName: "s",
            Tags: { a: "1", [long]: "3" },
          }),
        ).toBe(
          `1 validation error detected: Value '{a=1, ${long}=3}' at 'tags' failed to satisfy ` +
            "constraint: Map keys must satisfy constraint: [Member must have length less than " +
            "or equal to 128, Member must have length greater than or equal to 1]",
        );
      });

      it("reports values that break a constraint once, at the map", () => {
        const long = "a".repeat(257);
        expect(
          validationMessage(AddTagsToStreamInput, {
            StreamName: "s",
            Tags: { a: "1", b: "2", c: long },
          }),
        ).toBe(
          `1 validation error detected: Value '{a=1, b=2, c=${long}}' at 'tags' failed to ` +
            "satisfy constraint: Map value must satisfy constraint: [Member must have length " +
            "less than or equal to 256, Member must have length greater than or equal to 0]",
        );
      });

      it("names the members of structure values by key", () => {
        const shape = struct({
          Items: map(string(), struct({ Keys: required(list(string())) }, "KeysAndAttributes")),
        });
        expect(validationMessage(shape, { Items: { a: {} } })).toBe(
          "1 validation error detected: Value null at 'items.a.member.keys' failed to satisfy " +
            "constraint: Member must not be null",
        );
      });

      it("keeps a key named __proto__ as an ordinary entry", () => {
        const body = JSON.parse('{"StreamName":"s","Tags":{"__proto__":"x","a":"b"}}');
        const { Tags } = parseInput(AddTagsToStreamInput, body);
        expect(Object.keys(Tags)).toEqual(["__proto__", "a"]);
        expect(Object.getPrototypeOf(Tags)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(Tags, "__proto__")?.value).toBe("x");
      });
    });
  });

  describe("the value it returns", () => {
    it("ignores unknown members", () => {
      expect(parseInput(CreateStreamInput, { StreamName: "s", Bogus: 1, shardCount: "x" })).toEqual(
        {
          StreamName: "s",
        },
      );
    });

    it("leaves out null members", () => {
      const input = parseInput(CreateStreamInput, { StreamName: "s", ShardCount: null });
      expect(input).toEqual({ StreamName: "s" });
      expect("ShardCount" in input).toBe(false);
    });

    it("decodes base64 blobs to bytes and passes CBOR bytes through", () => {
      const fromJson = parseInput(PutRecordsInput, {
        StreamName: "s",
        Records: [{ PartitionKey: "a", Data: "aGk=" }],
      });
      expect(fromJson.Records[0]?.Data).toEqual(new Uint8Array([104, 105]));
      const bytes = new Uint8Array([1, 2, 3]);
      const fromCbor = parseInput(PutRecordsInput, {
        StreamName: "s",
        Records: [{ PartitionKey: "a", Data: bytes }],
      });
      expect(fromCbor.Records[0]?.Data).toBe(bytes);
    });

    it("reads a timestamp as epoch seconds, fractions included, and passes Dates through", () => {
      const base = { StreamName: "s", ShardId: "1", ShardIteratorType: "AT_TIMESTAMP" } as const;
      expect(
        parseInput(GetShardIteratorInput, { ...base, Timestamp: 1700000000 }).Timestamp,
      ).toEqual(new Date(1700000000000));
      expect(
        parseInput(GetShardIteratorInput, { ...base, Timestamp: 1700000000.25 }).Timestamp,
      ).toEqual(new Date(1700000000250));
      const date = new Date(5);
      expect(parseInput(GetShardIteratorInput, { ...base, Timestamp: date }).Timestamp).toBe(date);
    });

    it("truncates a fractional integer toward zero, as Jackson does", () => {
      const shape = struct({ N: integer() });
      expect(parseInput(shape, { N: 2.9 }).N).toBe(2);
      expect(parseInput(shape, { N: -2.9 }).N).toBe(-2);
      expect(validationMessage(CreateStreamInput, { StreamName: "s", ShardCount: 0.5 })).toBe(
        "1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint: " +
          "Member must have value greater than or equal to 1",
      );
    });

    it("holds integers to Java's int range, as AWS's messages show them", () => {
      const shape = struct({ N: integer() });
      expect(parseInput(shape, { N: 1e308 }).N).toBe(2147483647);
      expect(parseInput(shape, { N: -1e308 }).N).toBe(-2147483648);
      expect(parseInput(shape, { N: 2147483648 }).N).toBe(2147483647);
    });

    it("refuses a timestamp no date can hold", () => {
      const shape = struct({ T: timestamp() });
      expect(serializationMessage(shape, { T: 1e308 })).toBe(
        "1e+308 can not be converted to milliseconds since epoch",
      );
      expect(parseInput(shape, { T: -1 }).T).toEqual(new Date(-1000));
    });

    it("reads the strings true and false, in any case, as booleans", () => {
      const shape = struct({ B: boolean() });
      expect(parseInput(shape, { B: true }).B).toBe(true);
      expect(parseInput(shape, { B: "true" }).B).toBe(true);
      expect(parseInput(shape, { B: "FALSE" }).B).toBe(false);
      expect(parseInput(shape, { B: "False" }).B).toBe(false);
    });

    it("accepts any valid stream name", () => {
      const name = fc.string({
        unit: fc.constantFrom(..."abcXYZ019_.-"),
        minLength: 1,
        maxLength: 128,
      });
      fc.assert(
        fc.property(name, (streamName) => {
          expect(parseInput(CreateStreamInput, { StreamName: streamName })).toEqual({
            StreamName: streamName,
          });
        }),
        { numRuns: 100 },
      );
    });
  });

  describe("types", () => {
    it("infers the TypeScript type of the input", () => {
      const v: { StreamName: string } = parseInput(struct({ StreamName: required(string()) }), {
        StreamName: "s",
      });
      expect(v.StreamName).toBe("s");

      const put = parseInput(PutRecordsInput, {
        StreamName: "s",
        Records: [{ PartitionKey: "a", Data: "" }],
      });
      expectTypeOf(put.StreamName).toEqualTypeOf<string>();
      // .branded compares structurally, seeing through Infer's intersections.
      expectTypeOf(put.Records).branded.toEqualTypeOf<
        { Data: Uint8Array; PartitionKey: string; ExplicitHashKey?: string }[]
      >();

      const it = parseInput(GetShardIteratorInput, {
        StreamName: "s",
        ShardId: "1",
        ShardIteratorType: "LATEST",
      });
      expectTypeOf(it.ShardIteratorType).toEqualTypeOf<
        "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" | "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP"
      >();
      expectTypeOf(it.Timestamp).toEqualTypeOf<Date | undefined>();
      expectTypeOf(it.StartingSequenceNumber).toEqualTypeOf<string | undefined>();

      const every = parseInput(EveryKind, {});
      expectTypeOf(every).branded.toEqualTypeOf<{
        Str?: string;
        Int?: number;
        Bool?: boolean;
        Data?: Uint8Array;
        When?: Date;
        Items?: string[];
        Tags?: Record<string, string>;
        Nested?: { Inner?: string };
      }>();
      expect(every).toEqual({});
    });

    it("rejects wrong uses at compile time", () => {
      const input = parseInput(CreateStreamInput, { StreamName: "s" });
      // @ts-expect-error an optional member may be undefined
      const count: number = input.ShardCount;
      // @ts-expect-error a string member is not a number
      const name: number = input.StreamName;
      // @ts-expect-error parseInput takes a structure shape
      const notStruct = () => parseInput(string(), {});
      expect([count, name, typeof notStruct]).toEqual([undefined, "s", "function"]);
    });

    it("accepts every builder as a Shape", () => {
      const shapes: Shape[] = [
        string(),
        integer(),
        boolean(),
        blob(),
        timestamp(),
        list(string()),
        map(string(), integer()),
        struct({}),
        required(string()),
      ];
      expect(shapes.map((s) => s.kind)).toEqual([
        "string",
        "integer",
        "boolean",
        "blob",
        "timestamp",
        "list",
        "map",
        "structure",
        "string",
      ]);
      expect(required(string()).required).toBe(true);
    });
  });
});

describe("string lengths", () => {
  it("count code points, as AWS does, whatever the bounds and the surrogates", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "é", "🚀", "\ud800", "\udc00"), maxLength: 12 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 14 }),
        (text, min, max) => {
          const shape = struct({ S: string({ min, max }) });
          const points = [...text].length;
          const valid = points >= min && points <= max;
          let refused = false;
          try {
            parseInput(shape, { S: text });
          } catch (error) {
            refused = error instanceof KinesisError;
          }
          expect(refused).toBe(!valid);
        },
      ),
    );
  });
});
