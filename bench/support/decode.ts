/**
 * Decoding what crosses a boundary (a child's IPC message, JSON read back):
 * it arrives as `unknown` and is narrowed field by field, so that a shape the
 * code does not expect is an error with a path rather than a wrong figure.
 *
 * @example
 * const o = fields(JSON.parse(text), "package.json");
 * const version = o.string("version");
 */

/** What does not have the shape it should. */
export class DecodeError extends Error {
  override name = "DecodeError";
}

/** Turns an unknown into a T, or throws DecodeError naming `at`. */
export type Decoder<T> = (value: unknown, at: string) => T;

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

export const number: Decoder<number> = (value, at) => {
  if (typeof value !== "number") throw new DecodeError(`${at}: a number, not ${kind(value)}`);
  return value;
};

export const string: Decoder<string> = (value, at) => {
  if (typeof value !== "string") throw new DecodeError(`${at}: a string, not ${kind(value)}`);
  return value;
};

export const boolean: Decoder<boolean> = (value, at) => {
  if (typeof value !== "boolean") throw new DecodeError(`${at}: a boolean, not ${kind(value)}`);
  return value;
};

/** `inner`, or null. */
export function nullable<T>(inner: Decoder<T>): Decoder<T | null> {
  return (value, at) => (value === null ? null : inner(value, at));
}

/** An array of `item`. */
export function arrayOf<T>(item: Decoder<T>): Decoder<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) throw new DecodeError(`${at}: an array, not ${kind(value)}`);
    return value.map((element: unknown, i) => item(element, `${at}[${i}]`));
  };
}

/** One of `choices`. */
export function oneOf<const T extends string>(choices: readonly T[]): Decoder<T> {
  return (value, at) => {
    const found = choices.find((choice) => choice === value);
    if (found === undefined) {
      throw new DecodeError(`${at}: one of ${choices.join(", ")}, not ${JSON.stringify(value)}`);
    }
    return found;
  };
}

/** The fields of an object, each read with a decoder. */
export interface Fields {
  /** The field decoded by `decoder`. */
  get<T>(key: string, decoder: Decoder<T>): T;
  number(key: string): number;
  string(key: string): string;
  boolean(key: string): boolean;
  /** Whether the object has the field at all. */
  has(key: string): boolean;
}

/**
 * Reads `value` as an object whose fields are then decoded one by one.
 *
 * @example
 * const o = fields(message, "message");
 * if (o.boolean("ok")) use(o.get("result", decodeResult));
 */
export function fields(value: unknown, at: string): Fields {
  if (!isRecord(value)) throw new DecodeError(`${at}: an object, not ${kind(value)}`);
  const get = <T>(key: string, decoder: Decoder<T>): T => decoder(value[key], `${at}.${key}`);
  return {
    get,
    number: (key) => get(key, number),
    string: (key) => get(key, string),
    boolean: (key) => get(key, boolean),
    has: (key) => Object.hasOwn(value, key),
  };
}

/** A decoder of an object, from a function that reads its fields. */
export function object<T>(read: (o: Fields) => T): Decoder<T> {
  return (value, at) => read(fields(value, at));
}
