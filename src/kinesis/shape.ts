/**
 * Declarative input shapes, in the spirit of the Smithy model: each operation
 * declares its input once, and `parseInput` turns an untrusted decoded body
 * into a typed value or a `SerializationException` / `ValidationException`
 * worded the way AWS's Kinesis endpoints word them.
 *
 * @example
 * const input = struct({ StreamName: required(string({ min: 1, max: 128 })) });
 * const { StreamName } = parseInput(input, body); // StreamName: string
 */
import { decodeBase64Strict } from "../protocol/base64.js";
import { KinesisError } from "./errors.js";

interface Common {
  /** Absent (or null) fails validation with "Member must not be null". */
  readonly required?: boolean;
}

export interface StringShape extends Common {
  readonly kind: "string";
  readonly min?: number;
  readonly max?: number;
  /** The model's pattern, anchored here and shown without anchors in messages. */
  readonly pattern?: string;
  /**
   * A linear-time test of exactly the pattern's language, for patterns a
   * regular-expression engine would backtrack on (the ARN patterns): a long
   * near miss must not hold the isolate.
   */
  readonly matches?: (value: string) => boolean;
  readonly enum?: readonly string[];
}
export interface IntegerShape extends Common {
  readonly kind: "integer";
  readonly min?: number;
  readonly max?: number;
}
export interface BooleanShape extends Common {
  readonly kind: "boolean";
}
export interface BlobShape extends Common {
  readonly kind: "blob";
  readonly min?: number;
  readonly max?: number;
}
export interface TimestampShape extends Common {
  readonly kind: "timestamp";
}
export interface ListShape<M extends Shape = Shape> extends Common {
  readonly kind: "list";
  readonly member: M;
  readonly min?: number;
  readonly max?: number;
}
export interface MapShape<V extends Shape = Shape> extends Common {
  readonly kind: "map";
  readonly key: StringShape;
  readonly value: V;
  readonly min?: number;
  readonly max?: number;
}
export interface StructureShape<M extends Members = Members> extends Common {
  readonly kind: "structure";
  readonly members: M;
  /** How Java's toString names a member of this type in list messages. */
  readonly javaName?: string;
}
export type Members = { readonly [name: string]: Shape };
export type Shape =
  | StringShape
  | IntegerShape
  | BooleanShape
  | BlobShape
  | TimestampShape
  | ListShape
  | MapShape
  | StructureShape;

/** The TypeScript value a shape parses to. Blobs become bytes, timestamps `Date`s. */
export type Infer<S extends Shape> = S extends StringShape
  ? S["enum"] extends readonly (infer E)[]
    ? E
    : string
  : S extends IntegerShape
    ? number
    : S extends BooleanShape
      ? boolean
      : S extends BlobShape
        ? Uint8Array
        : S extends TimestampShape
          ? Date
          : S extends ListShape<infer M>
            ? Infer<M>[]
            : S extends MapShape<infer V>
              ? Record<string, Infer<V>>
              : S extends StructureShape<infer M>
                ? InferMembers<M>
                : never;

type RequiredKeys<M extends Members> = {
  [K in keyof M]: M[K]["required"] extends true ? K : never;
}[keyof M];
type InferMembers<M extends Members> = {
  -readonly [K in RequiredKeys<M>]: Infer<M[K]>;
} & {
  -readonly [K in Exclude<keyof M, RequiredKeys<M>>]?: Infer<M[K]>;
};

type Options<S> = Omit<S, "kind" | "required" | "member" | "members" | "key" | "value">;

export const string = <const O extends Options<StringShape>>(o?: O) =>
  ({ kind: "string", ...o }) as { kind: "string" } & O;
export const integer = <const O extends Options<IntegerShape>>(o?: O) =>
  ({ kind: "integer", ...o }) as { kind: "integer" } & O;
export const boolean = () => ({ kind: "boolean" }) as const;
export const blob = <const O extends Options<BlobShape>>(o?: O) =>
  ({ kind: "blob", ...o }) as { kind: "blob" } & O;
export const timestamp = () => ({ kind: "timestamp" }) as const;
export const list = <M extends Shape, const O extends Options<ListShape>>(member: M, o?: O) =>
  ({ kind: "list", member, ...o }) as { kind: "list"; member: M } & O;
export const map = <V extends Shape, const O extends Options<MapShape>>(
  key: StringShape,
  value: V,
  o?: O,
) => ({ kind: "map", key, value, ...o }) as { kind: "map"; key: StringShape; value: V } & O;
export const struct = <const M extends Members>(members: M, javaName?: string) =>
  ({ kind: "structure", members, ...(javaName ? { javaName } : {}) }) as {
    kind: "structure";
    members: M;
  };
/** Marks a member as required by the model. */
export const required = <S extends Shape>(shape: S) =>
  ({ ...shape, required: true }) as S & { required: true };

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
  if (errors.length > 0) {
    const count = errors.length;
    throw new KinesisError(
      "ValidationException",
      `${count} validation error${count > 1 ? "s" : ""} detected: ${errors.join("; ")}`,
    );
  }
  return value as Infer<S>;
}

/** AWS lists at most this many constraint failures in one message. */
const MAX_ERRORS = 10;

function serialization(message: string): KinesisError {
  return new KinesisError("SerializationException", message);
}

/** A wrong JSON type, described the way the Java deserializer behind AWS describes it. */
function wrongType(value: unknown, target: string, article: "a" | "an"): KinesisError {
  if (Array.isArray(value)) return serialization("Start of list found where not expected");
  if (typeof value === "object") {
    return serialization("Start of structure or map found where not expected.");
  }
  const javaClass =
    typeof value === "number"
      ? "java.math.BigDecimal"
      : typeof value === "boolean"
        ? "java.lang.Boolean"
        : "java.lang.String";
  return serialization(`class ${javaClass} can not be converted to ${article} ${target}`);
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
      if (typeof value !== "string") throw wrongType(value, "String", "an");
      return value;
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value))
        throw wrongType(value, "Integer", "an");
      // Jackson truncates a JSON fraction when it reads an int, and AWS's
      // messages show values past the int range at its ends.
      return Math.min(2147483647, Math.max(-2147483648, Math.trunc(value)));
    case "boolean":
      if (typeof value === "boolean") return value;
      if (typeof value === "string") {
        const upper = value.toUpperCase();
        if (upper === "TRUE") return true;
        if (upper === "FALSE") return false;
        throw serialization(`'${upper}' can not be converted to an Boolean`);
      }
      throw wrongType(value, "Boolean", "an");
    case "blob":
      if (value instanceof Uint8Array) return value; // CBOR byte strings arrive decoded
      if (typeof value !== "string") throw wrongType(value, "Blob", "a");
      return decodeBase64Strict(value, (reason) =>
        serialization(
          `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}' can not be converted to a Blob: ${reason}`,
        ),
      );
    case "timestamp":
      if (value instanceof Date) return value;
      if (typeof value === "number" && Number.isFinite(value)) {
        const date = new Date(value * 1000);
        // Beyond what a date can hold (about 275,000 years either way).
        if (Number.isNaN(date.getTime())) {
          throw serialization(`${value} can not be converted to milliseconds since epoch`);
        }
        return date;
      }
      if (typeof value === "string") {
        throw serialization(
          "class java.lang.String can not be converted to milliseconds since epoch",
        );
      }
      if (typeof value === "boolean") {
        throw serialization(
          "class java.lang.Boolean can not be converted to milliseconds since epoch",
        );
      }
      throw wrongType(value, "Date", "a");
    case "list":
      if (!Array.isArray(value)) {
        if (isStructureOrMap(value)) {
          throw serialization("Start of structure or map found where not expected.");
        }
        throw serialization("Expected list or null");
      }
      return value.map((item) => (item == null ? null : coerce(shape.member, item)));
    case "map": {
      if (!isStructureOrMap(value)) {
        if (Array.isArray(value)) throw serialization("Start of list found where not expected");
        throw serialization("Expected map or null");
      }
      // Built with fromEntries, which defines properties, so that a key named
      // "__proto__" stays an entry instead of invoking the prototype setter.
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, v == null ? null : coerce(shape.value, v)]),
      );
    }
    case "structure": {
      if (!isStructureOrMap(value)) {
        if (Array.isArray(value)) throw serialization("Start of list found where not expected");
        throw serialization("Expected null");
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

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * A string's length as AWS counts it, in code points. The count is taken only
 * when the bounds need it: a string has at most as many code points as UTF-16
 * units and at least half as many, which settles nearly every partition key
 * of a PutRecords call without walking it.
 */
function codePointLength(text: string, min: number | undefined, max: number | undefined): number {
  const units = text.length;
  if ((max === undefined || units <= max) && (min === undefined || Math.ceil(units / 2) >= min)) {
    return units;
  }
  let count = 0;
  for (let i = 0; i < units; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < units) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** A structure's members with their names as AWS's messages spell them, worked out once per shape. */
const memberLists = new WeakMap<StructureShape, readonly [string, string, Shape][]>();

function membersOf(shape: StructureShape): readonly [string, string, Shape][] {
  let list = memberLists.get(shape);
  if (!list) {
    list = Object.entries(shape.members).map(([name, member]) => [name, lowerFirst(name), member]);
    memberLists.set(shape, list);
  }
  return list;
}

/** A list's structure items as required shapes (a null item is missing), made once per shape. */
const requiredItems = new WeakMap<StructureShape, StructureShape>();

function requiredItem(shape: StructureShape): StructureShape {
  let item = requiredItems.get(shape);
  if (!item) {
    item = { ...shape, required: true };
    requiredItems.set(shape, item);
  }
  return item;
}

function checkMembers(
  shape: StructureShape,
  value: Record<string, unknown>,
  prefix: string,
  errors: string[],
): void {
  for (const [name, messageName, member] of membersOf(shape)) {
    check(member, value[name], `${prefix}${messageName}`, errors);
  }
}

/** Renders a value the way AWS's messages show it (Java's toString of the member). */
function render(shape: Shape, value: unknown): string {
  if (value == null) return "null";
  switch (shape.kind) {
    case "blob": {
      const n = (value as Uint8Array).length;
      return `'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]'`;
    }
    case "list":
      return `'[${(value as unknown[]).map((item) => renderItem(shape.member, item)).join(", ")}]'`;
    case "map":
      return `'{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}=${renderItem(shape.value, v)}`)
        .join(", ")}}'`;
    case "timestamp":
      return `'${(value as Date).toUTCString()}'`;
    default:
      return `'${String(value)}'`;
  }
}

function renderItem(shape: Shape, value: unknown): string {
  if (shape.kind === "structure") {
    return `com.amazonaws.kinesis.v20131202.${shape.javaName ?? "Structure"}@${javaHash(value)}`;
  }
  return value == null ? "null" : String(value);
}

/** A stable stand-in for Java's identity hash, so messages are deterministic. */
function javaHash(value: unknown): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? v.length : v)) ?? "";
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

function fail(errors: string[], shape: Shape, value: unknown, path: string, rule: string): void {
  if (errors.length < MAX_ERRORS) {
    errors.push(`Value ${render(shape, value)} at '${path}' failed to satisfy constraint: ${rule}`);
  }
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${stripAnchors(pattern)})$`, "u");
    patterns.set(pattern, re);
  }
  return re;
}
function testOf(pattern: string): (value: string) => boolean {
  const re = compiled(pattern);
  return (value) => re.test(value);
}
function stripAnchors(pattern: string): string {
  return pattern.replace(/^\^/, "").replace(/\$$/, "");
}

function check(shape: Shape, value: unknown, path: string, errors: string[]): void {
  if (value == null) {
    if (shape.required) fail(errors, shape, value, path, "Member must not be null");
    return;
  }
  // AWS reports a string's pattern before its length ("Value '' at 'streamName'
  // ... pattern: [a-zA-Z0-9_.-]+; Value '' at 'streamName' ... length greater
  // than or equal to 1"), as kinesalite's tests against AWS record.
  if (
    shape.kind === "string" &&
    shape.pattern !== undefined &&
    !(shape.matches ?? testOf(shape.pattern))(value as string)
  ) {
    fail(
      errors,
      shape,
      value,
      path,
      `Member must satisfy regular expression pattern: ${stripAnchors(shape.pattern)}`,
    );
  }
  switch (shape.kind) {
    case "string":
    case "blob":
    case "list":
    case "map": {
      const length =
        shape.kind === "string"
          ? codePointLength(value as string, shape.min, shape.max)
          : shape.kind === "map"
            ? Object.keys(value as object).length
            : (value as { length: number }).length;
      if (shape.max !== undefined && length > shape.max) {
        fail(
          errors,
          shape,
          value,
          path,
          `Member must have length less than or equal to ${shape.max}`,
        );
      }
      if (shape.min !== undefined && length < shape.min) {
        fail(
          errors,
          shape,
          value,
          path,
          `Member must have length greater than or equal to ${shape.min}`,
        );
      }
      break;
    }
    case "integer": {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) {
        fail(
          errors,
          shape,
          value,
          path,
          `Member must have value greater than or equal to ${shape.min}`,
        );
      }
      if (shape.max !== undefined && n > shape.max) {
        fail(
          errors,
          shape,
          value,
          path,
          `Member must have value less than or equal to ${shape.max}`,
        );
      }
      return;
    }
    default:
      break;
  }
  switch (shape.kind) {
    case "string":
      if (shape.enum !== undefined && !shape.enum.includes(value as string)) {
        fail(
          errors,
          shape,
          value,
          path,
          `Member must satisfy enum value set: [${shape.enum.join(", ")}]`,
        );
      }
      return;
    case "list": {
      // AWS descends into structure items ('records.1.member.partitionKey'),
      // but reports scalar items that break their constraints once, at the
      // list, listing every constraint of the member shape.
      const items = value as unknown[];
      if (shape.member.kind === "structure") {
        // The model's lists are not @sparse: a null structure item is missing.
        const member = requiredItem(shape.member);
        for (let i = 0; i < items.length; i++) {
          check(member, items[i], `${path}.${i + 1}.member`, errors);
        }
      } else {
        // Nor are null scalar items allowed; they break the member's rules.
        const nulls = items.some((item) => item == null);
        if (nulls || items.some((item) => !satisfies(shape.member, item))) {
          const rule = `Member must satisfy constraint: [${rules(shape.member, nulls)}]`;
          fail(errors, shape, value, path, rule);
        }
      }
      return;
    }
    case "map": {
      // Likewise keys and scalar values are reported once, at the map;
      // structure values are descended into as 'path.<key>.member'.
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.some(([k]) => !satisfies(shape.key, k))) {
        const rule = `Map keys must satisfy constraint: [${rules(shape.key)}]`;
        fail(errors, shape, value, path, rule);
      }
      if (shape.value.kind === "structure") {
        const member = { ...shape.value, required: true };
        for (const [k, v] of entries) check(member, v, `${path}.${k}.member`, errors);
      } else {
        const nulls = entries.some(([, v]) => v == null);
        if (nulls || entries.some(([, v]) => !satisfies(shape.value, v))) {
          const rule = `Map value must satisfy constraint: [${rules(shape.value, nulls)}]`;
          fail(errors, shape, value, path, rule);
        }
      }
      return;
    }
    case "structure":
      checkMembers(shape, value as Record<string, unknown>, `${path}.`, errors);
      return;
    default:
      return;
  }
}

/** Whether a value meets every constraint of its shape. */
function satisfies(shape: Shape, value: unknown): boolean {
  const found: string[] = [];
  check(shape, value, "", found);
  return found.length === 0;
}

const LENGTH = "Member must have length";
const VALUE = "Member must have value";

/**
 * Every constraint a shape declares, as AWS lists them inside "must satisfy
 * constraint: [...]"; `notNull` adds the rule that a null item broke.
 */
function rules(shape: Shape, notNull = false): string {
  const out: string[] = [];
  switch (shape.kind) {
    case "string":
    case "blob":
    case "list":
    case "map":
      if (shape.max !== undefined) out.push(`${LENGTH} less than or equal to ${shape.max}`);
      if (shape.min !== undefined) out.push(`${LENGTH} greater than or equal to ${shape.min}`);
      if (shape.kind === "string" && shape.pattern !== undefined) {
        out.push(`Member must satisfy regular expression pattern: ${stripAnchors(shape.pattern)}`);
      }
      if (shape.kind === "string" && shape.enum !== undefined) {
        out.push(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      }
      break;
    case "integer":
      if (shape.max !== undefined) out.push(`${VALUE} less than or equal to ${shape.max}`);
      if (shape.min !== undefined) out.push(`${VALUE} greater than or equal to ${shape.min}`);
      break;
    default:
      break;
  }
  if (shape.required || notNull) out.push("Member must not be null");
  return out.join(", ");
}
