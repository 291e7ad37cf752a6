/**
 * Typed decoders for what the Durable Objects read back from storage: JSON
 * columns and enum columns. What is stored was written by this code, but an
 * older version may have written it and a bug may have broken it, so it is
 * decoded, never cast. A decoder returns the value, or throws `Undecodable`
 * (a fault of ours, answered as InternalFailure).
 *
 * @example
 * const children = parseJson(row.children, list(childShard));
 */

/** A stored value that is not what its column declares. */
export class Undecodable extends Error {
  override readonly name = "Undecodable";
}

export type Decoder<T> = (value: unknown, path: string) => T;

function fail(path: string, expected: string): never {
  throw new Undecodable(`${path || "value"} is not ${expected}`);
}

export const string: Decoder<string> = (value, path) =>
  typeof value === "string" ? value : fail(path, "a string");

export const number: Decoder<number> = (value, path) =>
  typeof value === "number" && Number.isFinite(value) ? value : fail(path, "a number");

export const boolean: Decoder<boolean> = (value, path) =>
  typeof value === "boolean" ? value : fail(path, "a boolean");

/** One of a fixed set of strings: an enum column. */
export function oneOf<const T extends string>(values: readonly T[]): Decoder<T> {
  return (value, path) =>
    values.find((v) => v === value) ?? fail(path, `one of ${values.join(", ")}`);
}

export function list<T>(item: Decoder<T>): Decoder<T[]> {
  return (value, path) =>
    Array.isArray(value) ? value.map((v, i) => item(v, `${path}[${i}]`)) : fail(path, "a list");
}

/** A member that may be absent (undefined in JSON terms). */
export interface Optional<T> {
  readonly optional: Decoder<T>;
}

export function optional<T>(decoder: Decoder<T>): Optional<T> {
  return { optional: decoder };
}

type Fields = Record<string, Decoder<unknown> | Optional<unknown>>;
type Decoded<F extends Fields> = {
  [K in keyof F as F[K] extends Optional<unknown> ? never : K]: F[K] extends Decoder<infer T>
    ? T
    : never;
} & {
  [K in keyof F as F[K] extends Optional<unknown> ? K : never]?: F[K] extends Optional<infer T>
    ? T
    : never;
};

/** An object with these members; members not named are dropped. */
export function object<F extends Fields>(fields: F): Decoder<Decoded<F>> {
  return (value, path) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return fail(path, "an object");
    }
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(fields)) {
      const member: unknown = Reflect.get(value, name);
      const at = path ? `${path}.${name}` : name;
      if ("optional" in field) {
        if (member !== undefined) out[name] = field.optional(member, at);
      } else {
        out[name] = field(member, at);
      }
    }
    // Every field named in `fields` was decoded by its own decoder above.
    return out as Decoded<F>;
  };
}

/** A JSON column, decoded. */
export function parseJson<T>(text: string, decoder: Decoder<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Undecodable("stored JSON does not parse");
  }
  return decoder(value, "");
}
