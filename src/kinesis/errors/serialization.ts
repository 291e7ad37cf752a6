/**
 * SerializationException: a body whose JSON or CBOR types are not the input
 * shape's. The wording is the Java deserializer's behind AWS's front end
 * (Jackson's), as AWS's endpoints answer it (kinesalite's recordings).
 */
import { KinesisError } from "./kinesis-error.js";

function serialization(message: string): KinesisError {
  return new KinesisError("SerializationException", message);
}

export function unexpectedList(): KinesisError {
  return serialization("Start of list found where not expected");
}

export function unexpectedStructure(): KinesisError {
  return serialization("Start of structure or map found where not expected.");
}

/** A scalar where a list, map or structure belongs (`what`: "list or null", "map or null", "null"). */
export function expected(what: "list or null" | "map or null" | "null"): KinesisError {
  return serialization(`Expected ${what}`);
}

/** A value of the wrong JSON type, described the way the deserializer describes it. */
export function notConvertible(value: unknown, target: string, article: "a" | "an"): KinesisError {
  if (Array.isArray(value)) return unexpectedList();
  if (typeof value === "object") return unexpectedStructure();
  return serialization(`class ${javaClassOf(value)} can not be converted to ${article} ${target}`);
}

function javaClassOf(value: unknown): string {
  if (typeof value === "number") return "java.math.BigDecimal";
  if (typeof value === "boolean") return "java.lang.Boolean";
  return "java.lang.String";
}

/** A string at a boolean member that is neither true nor false (in any case). */
export function notABoolean(upper: string): KinesisError {
  return serialization(`'${upper}' can not be converted to an Boolean`);
}

/** Base64 that does not decode; long values are cut at 64 characters, as AWS cuts them. */
export function notABlob(value: string, reason: string): KinesisError {
  const shown = value.length > 64 ? `${value.slice(0, 64)}...` : value;
  return serialization(`'${shown}' can not be converted to a Blob: ${reason}`);
}

/** A number of seconds beyond what a date can hold (about 275,000 years either way). */
export function timestampOutOfRange(value: number): KinesisError {
  return serialization(`${value} can not be converted to milliseconds since epoch`);
}

/** A string or boolean at a timestamp member. */
export function notATimestamp(value: string | boolean): KinesisError {
  return serialization(
    `class ${javaClassOf(value)} can not be converted to milliseconds since epoch`,
  );
}
