/**
 * Declarative input shapes, in the spirit of the Smithy model: each operation
 * declares its input once, as a structure of these shapes; `parseInput`
 * (./parse-input.ts) reads an untrusted body against it.
 *
 * @example
 * const input = struct({ StreamName: required(string({ min: 1, max: 128 })) });
 */
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
