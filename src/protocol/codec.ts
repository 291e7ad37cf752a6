/**
 * Wire codecs. A codec turns request bytes into an untyped value and output
 * values into response bytes. Shapes hold `Date`s and `Uint8Array`s; each codec
 * renders those its own way.
 */
export interface Codec {
  /** The Content-Type this codec answers with. */
  readonly contentType: string;
  /** Parses a body, or throws (the caller turns that into SerializationException). */
  decode(bytes: Uint8Array): unknown;
  encode(value: unknown): string | Uint8Array;
}
