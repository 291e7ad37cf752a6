/**
 * Reads an untrusted decoded body against an operation's input shape: a typed
 * value, or a `SerializationException` / `ValidationException` worded the way
 * AWS's Kinesis endpoints word them.
 *
 * @example
 * const input = struct({ StreamName: required(string({ min: 1, max: 128 })) });
 * const { StreamName } = parseInput(input, body); // StreamName: string
 */
import { decodeBase64Strict } from "../protocol/base64.js";
import {
  expected,
  notABlob,
  notABoolean,
  notATimestamp,
  notConvertible,
  timestampOutOfRange,
  unexpectedList,
  unexpectedStructure,
  validationFailed,
} from "./errors/index.js";
import type { Infer, Shape, StructureShape } from "./shape.js";
import { checkMembers } from "./validation.js";

/**
 * Parses an untrusted body against an operation's input shape: first the
 * types (SerializationException, stopping at the first), then the
 * constraints (ValidationException, listing at most ten), which is the order
 * AWS's front end applies them in.
 */
export function parseInput<S extends StructureShape>(shape: S, body: unknown): Infer<S> {
  const value = coerce(shape, body ?? {});
  const errors: string[] = [];
  checkMembers(shape, value as Record<string, unknown>, "", errors);
  if (errors.length > 0) throw validationFailed(errors);
  return value as Infer<S>;
}

/**
 * Whether a decoded value is a structure or map on the wire. CBOR's byte
 * strings and tag 1 decode to a Uint8Array and a Date, objects to JavaScript
 * but single items to the client, like a string or a number: where a
 * structure, map or list is expected they are refused as such, not read as
 * an empty one.
 */
export function isStructureOrMap(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}

function coerce(shape: Shape, value: unknown): unknown {
  switch (shape.kind) {
    case "string":
      if (typeof value !== "string") throw notConvertible(value, "String", "an");
      return value;
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value))
        throw notConvertible(value, "Integer", "an");
      // Jackson truncates a JSON fraction when it reads an int, and AWS's
      // messages show values past the int range at its ends.
      return Math.min(2147483647, Math.max(-2147483648, Math.trunc(value)));
    case "boolean":
      if (typeof value === "boolean") return value;
      if (typeof value === "string") {
        const upper = value.toUpperCase();
        if (upper === "TRUE") return true;
        if (upper === "FALSE") return false;
        throw notABoolean(upper);
      }
      throw notConvertible(value, "Boolean", "an");
    case "blob":
      if (value instanceof Uint8Array) return value; // CBOR byte strings arrive decoded
      if (typeof value !== "string") throw notConvertible(value, "Blob", "a");
      return decodeBase64Strict(value, (reason) => notABlob(value, reason));
    case "timestamp":
      if (value instanceof Date) return value;
      if (typeof value === "number" && Number.isFinite(value)) {
        const date = new Date(value * 1000);
        // Beyond what a date can hold (about 275,000 years either way).
        if (Number.isNaN(date.getTime())) {
          throw timestampOutOfRange(value);
        }
        return date;
      }
      if (typeof value === "string" || typeof value === "boolean") throw notATimestamp(value);
      throw notConvertible(value, "Date", "a");
    case "list":
      if (!Array.isArray(value)) {
        if (isStructureOrMap(value)) {
          throw unexpectedStructure();
        }
        throw expected("list or null");
      }
      return value.map((item) => (item == null ? null : coerce(shape.member, item)));
    case "map": {
      if (!isStructureOrMap(value)) {
        if (Array.isArray(value)) throw unexpectedList();
        throw expected("map or null");
      }
      // Built with fromEntries, which defines properties, so that a key named
      // "__proto__" stays an entry instead of invoking the prototype setter.
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, v == null ? null : coerce(shape.value, v)]),
      );
    }
    case "structure": {
      if (!isStructureOrMap(value)) {
        if (Array.isArray(value)) throw unexpectedList();
        throw expected("null");
      }
      const out: Record<string, unknown> = {};
      // Unknown members are ignored, as AWS ignores them.
      for (const [name, member] of Object.entries(shape.members)) {
        const v = value[name];
        if (v != null) out[name] = coerce(member, v);
      }
      return out;
    }
  }
}
