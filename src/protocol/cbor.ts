/**
 * AWS CBOR 1.1 (`application/x-amz-cbor-1.1`): the AWS JSON 1.1 protocol with
 * its bodies in CBOR (RFC 8949). The AWS SDK for Java (v1 and v2) and the KCL
 * speak it to Kinesis by default. Blobs are byte strings (major type 2), not
 * base64, and timestamps are tag 1 ("epoch-based date/time").
 *
 * Timestamps are tag 1 over epoch MILLISECONDS, an integer. This is AWS's
 * quirk, not RFC 8949, which puts epoch seconds under tag 1: the Java SDK v2's
 * `SdkCborGenerator.writeValue(Instant)` writes `writeTag(1)` then
 * `writeNumber(instant.toEpochMilli())` (v1 writes `date.getTime()`), and its
 * `AwsCborProtocolFactory` reads payload timestamps as `UNIX_TIMESTAMP_MILLIS`
 * ("CBOR uses epoch millis for timestamps rather than epoch seconds with
 * millisecond decimal precision like JSON protocols"). So a response's
 * timestamp must go out as milliseconds, and a request's tag 1 is read as
 * milliseconds whatever its number type (Java always sends an integer; a float
 * is taken as fractional milliseconds rather than guessed to be seconds).
 * Smithy's rpcv2-cbor protocol uses seconds under tag 1, but it is another
 * protocol (`application/cbor` with a `smithy-protocol: rpc-v2-cbor` header)
 * that Kinesis does not serve.
 *
 * An untagged number in a timestamp member still reaches the input shape as a
 * number and is read there as JSON's epoch seconds; the Java SDK always tags.
 */
import { decode, encode, Token, Tokenizer, Type } from "cborg";
import type { Codec } from "./codec.js";

export const CBOR_CONTENT_TYPE = "application/x-amz-cbor-1.1";

/** Tag 1: epoch-based date/time (AWS: milliseconds). */
const TAG_EPOCH = 1;
/** Tag 55799: "self-described CBOR", a no-op marker some encoders prefix. */
const TAG_SELF_DESCRIBED = 55799;

type TagDecode = () => unknown;

const BREAK = 0xff;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * cborg's tokenizer with two additions for what AWS clients send:
 * indefinite-length (chunked) text and byte strings, which Jackson writes for
 * long strings and cborg refuses, are joined into one token; and text strings
 * must be valid UTF-8 (cborg would put U+FFFD in place of bad bytes, while the
 * JSON codec refuses them).
 */
class AwsTokenizer extends Tokenizer {
  override next(): Token {
    const head = this.data[this._pos];
    if (head === 0x7f || head === 0x5f) return this.chunked(head === 0x7f);
    const start = this._pos;
    const token = super.next();
    if (token.type === Type.string && (token.value as string).includes("\uFFFD")) {
      // Only a string that decoded with a replacement character is checked again.
      const minor = (this.data[start] ?? 0) & 31;
      const header = minor < 24 ? 1 : minor === 24 ? 2 : minor === 25 ? 3 : minor === 26 ? 5 : 9;
      utf8.decode(this.data.subarray(start + header, this._pos));
    }
    return token;
  }

  /** Joins the definite-length chunks of an indefinite string, up to its break. */
  private chunked(text: boolean): Token {
    const start = this._pos;
    this._pos++;
    const chunks: Uint8Array[] = [];
    const texts: string[] = [];
    for (;;) {
      if (this._pos >= this.data.length) throw new Error("unterminated indefinite string");
      if (this.data[this._pos] === BREAK) {
        this._pos++;
        break;
      }
      const head = this.data[this._pos] ?? 0;
      if (head >> 5 !== (text ? 3 : 2) || (head & 31) === 31) {
        throw new Error("an indefinite string's chunk must be a definite string of its type");
      }
      const chunk = this.next();
      if (text) texts.push(chunk.value as string);
      else chunks.push(chunk.value as Uint8Array);
    }
    const length = this._pos - start;
    if (text) {
      // Each chunk is whole UTF-8 on its own (RFC 8949 3.2.3), so joining is safe.
      return new Token(Type.string, texts.join(""), length);
    }
    const total = chunks.reduce((n, chunk) => n + chunk.byteLength, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return new Token(Type.bytes, joined, length);
  }
}

const decodeOptions = {
  // Jackson's CBOR generator (behind the Java SDK) writes arrays and maps of
  // unknown size with indefinite lengths, and does not always pick the
  // shortest length prefix for strings, so neither is refused.
  allowIndefinite: true,
  strict: false,
  // Integers beyond 2^53 cannot be numbers; they fail as malformed.
  allowBigInt: false,
  // A repeated key keeps its last value, as JSON.parse does for AWS JSON.
  rejectDuplicateMapKeys: false,
  // CBOR's undefined reads as null, which every shape takes as absent.
  allowUndefined: true,
  coerceUndefinedToNull: true,
  tags: {
    [TAG_EPOCH]: (content: TagDecode): Date => {
      const value = content();
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new Error("tag 1 must hold a finite number");
      }
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) throw new Error("tag 1 is out of a date's range");
      return date;
    },
    [TAG_SELF_DESCRIBED]: (content: TagDecode): unknown => content(),
  },
};

/** Date → tag 1 over integer epoch milliseconds (see the file's comment). */
function dateTokens(date: Date): Token[] {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new Error("cannot encode an invalid Date");
  return [
    new Token(Type.tag, TAG_EPOCH),
    ms >= 0 ? new Token(Type.uint, ms) : new Token(Type.negint, ms),
  ];
}

const encodeOptions = {
  // Undefined members are left out, as JSON.stringify leaves them out.
  ignoreUndefinedProperties: true,
  // Keys go out in the order the output shapes list them: cborg's default
  // sorts every map (for deterministic bytes), which no AWS client needs.
  mapSorter: undefined,
  typeEncoders: { Date: dateTokens },
};

export const cborCodec: Codec = {
  contentType: CBOR_CONTENT_TYPE,
  /** Decodes one CBOR item; throws on malformed input or bytes after it. */
  decode(bytes) {
    return decode(bytes, { ...decodeOptions, tokenizer: new AwsTokenizer(bytes, decodeOptions) });
  },
  /** Integers become CBOR integers, other numbers floats (in their shortest exact form). */
  encode(value) {
    return encode(value, encodeOptions);
  },
};
