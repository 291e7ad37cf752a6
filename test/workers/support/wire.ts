/**
 * The two wire protocols a client may speak to the Worker, behind one face, so
 * that a suite can run the same cases over AWS JSON 1.1 and AWS CBOR 1.1.
 *
 * Most suites never name a wire: they write requests and read answers in the
 * JSON view (blobs as base64 strings, timestamps as epoch seconds), call
 * through `call` / `ok` in ./kinesis.ts, and run under `describeEachWire`,
 * which runs them once per wire. Over CBOR, a request in the JSON view is
 * typed by the operation's input shape before it is encoded, and the answer is
 * read back into the JSON view:
 *
 * @example
 * describeEachWire("PutRecord", () => {
 *   it("puts", async () => {
 *     const { ShardId } = await ok("PutRecord", { StreamName, Data: b64("x"), PartitionKey: "k" });
 *   });
 * });
 *
 * `callOver` / `okOver` instead speak one wire as it is sent, for tests of the
 * encoding itself: request bodies are written with blobs as `Uint8Array`s and
 * timestamps as `Date`s, and answers are decoded as sent (JSON: base64 strings
 * and epoch seconds; CBOR: byte strings and tag 1 kept as a `Tagged`), which
 * `blob` / `time` read back in either form.
 */
import { decode, encode, Tagged } from "cborg";
import { afterAll, beforeAll, describe } from "vitest";
import type { Shape } from "../../../src/kinesis/shape.js";
import { decodeBase64Strict, encodeBase64 } from "../../../src/protocol/base64.js";
import { cborCodec } from "../../../src/protocol/cbor.js";
import { jsonCodec } from "../../../src/protocol/json.js";
import { actions } from "../../../worker/actions/index.js";
import { dispatch } from "./transport.js";

export interface Answer {
  status: number;
  headers: Headers;
  /**
   * The decoded body, or `{}` when it is empty or not in the wire's encoding.
   * `call` gives it in the JSON view, `callOver` as sent.
   */
  body: Record<string, unknown>;
  /** The body as text (over CBOR through `call`: its JSON view as JSON), for messages. */
  text: string;
}

export const AUTH =
  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000";

export interface Wire {
  readonly name: "json" | "cbor";
  readonly contentType: string;
  /** A request body in this wire's encoding, blobs as `Uint8Array`s and timestamps as `Date`s. */
  encode(body: unknown): string | Uint8Array;
  /** A response body as sent, or `{}` when it is empty or not this encoding. */
  decode(bytes: Uint8Array): Record<string, unknown>;
  /** A blob member of a body decoded as sent, as bytes. */
  blob(value: unknown): Uint8Array;
  /** A timestamp member of a body decoded as sent, as a Date. */
  time(value: unknown): Date;
  /**
   * A request of `operation` written in the JSON view, in this wire's encoding
   * (`undefined` stays no body at all).
   */
  encodeView(operation: string, body: unknown): string | Uint8Array | undefined;
  /** A response body in the JSON view: what the same answer reads as over JSON. */
  decodeView(bytes: Uint8Array): Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseJson(bytes: Uint8Array): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

export const JSON_WIRE: Wire = {
  name: "json",
  contentType: "application/x-amz-json-1.1",
  encode: (body) => jsonCodec.encode(body),
  decode: parseJson,
  blob(value) {
    if (typeof value !== "string") throw new Error(`not base64: ${String(value)}`);
    return decodeBase64Strict(value, (reason) => new Error(`not base64: ${reason}`));
  },
  time(value) {
    if (typeof value !== "number") throw new Error(`not epoch seconds: ${String(value)}`);
    return new Date(value * 1000);
  },
  // The JSON view is this wire's own form; bodies go out exactly as written.
  encodeView: (_operation, body) => JSON.stringify(body),
  decodeView: parseJson,
};

/** Decodes CBOR as a client sees it, keeping tag 1 so tests can check its content. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decode(bytes, { tags: Tagged.preserve(1) });
}

/** AWS CBOR's timestamp, tag 1 over integer epoch milliseconds, or an error saying what it is instead. */
function epochMillis(value: unknown): number {
  if (!(value instanceof Tagged) || value.tag !== 1 || !Number.isSafeInteger(value.value)) {
    throw new Error(`not tag 1 over epoch milliseconds: ${String(value)}`);
  }
  return value.value as number;
}

/**
 * The input shape of each operation, from the service's own actions, so the
 * CBOR wire knows which members are blobs and timestamps without a list of
 * its own to keep in step with the model.
 */
const INPUTS = new Map<string, Shape>(
  Object.entries(actions).flatMap(([operation, action]) =>
    action ? [[operation, action.input] as const] : [],
  ),
);

/**
 * A request body in the JSON view, with the members its shape declares blobs
 * and timestamps in CBOR's types: well-formed base64 becomes bytes (a byte
 * string) and a number of epoch seconds becomes tag 1 over the milliseconds
 * the service reads from JSON. Anything else, wrong types and malformed base64
 * included, is left as written: the serialization cases send those on purpose
 * and expect the same refusal over either wire.
 */
function typed(shape: Shape, value: unknown): unknown {
  switch (shape.kind) {
    case "blob":
      if (typeof value !== "string") return value;
      try {
        return decodeBase64Strict(value, (reason) => new Error(reason));
      } catch {
        return value;
      }
    case "timestamp": {
      if (typeof value !== "number") return value;
      // The same truncation to whole milliseconds the service applies to JSON's seconds.
      const ms = new Date(value * 1000).getTime();
      return Number.isNaN(ms) ? value : new Tagged(1, ms);
    }
    case "list":
      return Array.isArray(value) ? value.map((item) => typed(shape.member, item)) : value;
    case "map":
      return isRecord(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(shape.value, v)]))
        : value;
    case "structure":
      return isRecord(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => {
              const member = Object.hasOwn(shape.members, k) ? shape.members[k] : undefined;
              return [k, member ? typed(member, v) : v];
            }),
          )
        : value;
    default:
      return value;
  }
}

/** A CBOR answer in the JSON view: byte strings as base64, tag 1 as epoch seconds. */
function jsonView(value: unknown): unknown {
  if (value instanceof Uint8Array) return encodeBase64(value);
  // Divided as the JSON codec divides a Date's milliseconds, so both views agree exactly.
  if (value instanceof Tagged) return epochMillis(value) / 1000;
  if (Array.isArray(value)) return value.map(jsonView);
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonView(v)]));
  }
  return value;
}

function parseCbor(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return {};
  try {
    return decodeCbor(bytes);
  } catch {
    return {};
  }
}

export const CBOR_WIRE: Wire = {
  name: "cbor",
  contentType: "application/x-amz-cbor-1.1",
  encode: (body) => cborCodec.encode(body),
  decode(bytes) {
    const value = parseCbor(bytes);
    return isRecord(value) ? value : {};
  },
  blob(value) {
    if (!(value instanceof Uint8Array)) throw new Error(`not a byte string: ${String(value)}`);
    return value;
  },
  time: (value) => new Date(epochMillis(value)),
  encodeView(operation, body) {
    if (body === undefined) return undefined;
    const shape = INPUTS.get(operation);
    // cborg's own encoder, not the service's codec, so a shared mistake in
    // how the codec writes tag 1 or byte strings cannot pass unnoticed.
    return encode(shape ? typed(shape, body) : body, { ignoreUndefinedProperties: true });
  },
  decodeView(bytes) {
    const value = jsonView(parseCbor(bytes));
    return isRecord(value) ? value : {};
  },
};

export const WIRES: readonly Wire[] = [JSON_WIRE, CBOR_WIRE];

let current: Wire = JSON_WIRE;

/** The wire `call` and the helpers built on it speak: JSON, but in a `describeEachWire` block its wire. */
export function currentWire(): Wire {
  return current;
}

/**
 * Runs a suite once per wire, as `<name> over json` and `<name> over cbor`,
 * with `call` and every helper built on it speaking that block's wire. The
 * suite gets the wire, for the rare case that must differ between them.
 *
 * The wire is set in hooks, not here: describe bodies run when the file's
 * tests are collected, the tests themselves later. beforeAll suffices because
 * a file's tests run one after another, block by block.
 */
export function describeEachWire(name: string, suite: (wire: Wire) => void): void {
  for (const wire of WIRES) {
    describe(`${name} over ${wire.name}`, () => {
      beforeAll(() => {
        current = wire;
      });
      afterAll(() => {
        current = JSON_WIRE;
      });
      suite(wire);
    });
  }
}

export interface SendOptions {
  headers?: Record<string, string>;
  region?: string;
}

/** POSTs a body to the service as an AWS client does, in `wire`'s content type. */
export async function send(
  wire: Wire,
  operation: string,
  body: string | Uint8Array | undefined,
  options: SendOptions = {},
): Promise<Response> {
  return dispatch("/", {
    method: "POST",
    headers: {
      "content-type": wire.contentType,
      "x-amz-target": `Kinesis_20131202.${operation}`,
      "x-amz-date": "20261127T000000Z",
      authorization: options.region ? AUTH.replace("us-east-1", options.region) : AUTH,
      ...options.headers,
    },
    body,
  });
}

/** An answer read into the JSON view of `wire`. */
export async function viewOf(wire: Wire, res: Response): Promise<Answer> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const body = wire.decodeView(bytes);
  // CBOR is not text; its JSON view says what it held, unless it held nothing readable.
  const text =
    wire === CBOR_WIRE && Object.keys(body).length > 0
      ? JSON.stringify(body)
      : new TextDecoder().decode(bytes);
  return { status: res.status, headers: res.headers, body, text };
}

/** Calls `operation` in `wire`'s encoding, body written and answer read as sent. */
export async function callOver(
  wire: Wire,
  operation: string,
  body: unknown,
  options: { headers?: Record<string, string>; raw?: string | Uint8Array } = {},
): Promise<Answer> {
  const res = await send(wire, operation, options.raw ?? wire.encode(body), options);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    body: wire.decode(bytes),
    text: new TextDecoder().decode(bytes),
  };
}

/** Calls over `wire` and expects success; returns the body as sent. */
export async function okOver(
  wire: Wire,
  operation: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const answer = await callOver(wire, operation, body);
  if (answer.status !== 200) {
    throw new Error(`${operation} over ${wire.name} failed: ${answer.status} ${answer.text}`);
  }
  return answer.body;
}
