/**
 * The constraints of an input shape (lengths, ranges, patterns, enums,
 * required members), checked after the types, with each failure worded and
 * its value rendered as AWS's front end words and renders them.
 */
import type { Shape, StructureShape } from "./shape.js";

/** AWS lists at most this many constraint failures in one message. */
const MAX_ERRORS = 10;

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

/** Checks the members of a structure value against its shape, adding each failure to `errors`. */
export function checkMembers(
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
