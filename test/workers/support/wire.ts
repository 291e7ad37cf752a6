/**
 * The two wire protocols a client may speak to the Worker, behind one face, so
 * that a suite can run the same cases over AWS JSON 1.1 and AWS CBOR 1.1:
 *
 * @example
 * for (const wire of WIRES) {
 *   describe(wire.name, () => {
 *     it("puts", async () => {
 *       const answer = await callOver(wire, "PutRecord", { StreamName, Data: bytes, PartitionKey: "k" });
 *       expect(wire.blob(answer.body.Data)).toEqual(bytes);
 *     });
 *   });
 * }
 *
 * Request bodies are written with blobs as `Uint8Array`s and timestamps as
 * `Date`s; each wire renders them its own way. Response bodies are decoded as
 * sent (JSON: base64 strings and epoch seconds; CBOR: byte strings and tag 1
 * kept as a `Tagged`), and `blob` / `time` read them back in either form.
 */
import { exports } from "cloudflare:workers";
import { decode, Tagged } from "cborg";
import { cborCodec } from "../../../src/protocol/cbor.js";
import { jsonCodec } from "../../../src/protocol/json.js";
import { type Answer, AUTH, unb64 } from "./kinesis.js";

export interface Wire {
  readonly name: "json" | "cbor";
  readonly contentType: string;
  /** A request body in this wire's encoding. */
  encode(body: unknown): string | Uint8Array;
  /** A response body as sent, or `{}` when it is empty or not this encoding. */
  decode(bytes: Uint8Array): Record<string, unknown>;
  /** A blob member of a decoded response, as bytes. */
  blob(value: unknown): Uint8Array;
  /** A timestamp member of a decoded response, as a Date. */
  time(value: unknown): Date;
}

export const JSON_WIRE: Wire = {
  name: "json",
  contentType: "application/x-amz-json-1.1",
  encode: (body) => jsonCodec.encode(body),
  decode(bytes) {
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    } catch {
      return {};
    }
  },
  blob: unb64,
  time(value) {
    if (typeof value !== "number") throw new Error(`not epoch seconds: ${String(value)}`);
    return new Date(value * 1000);
  },
};

/** Decodes CBOR as a client sees it, keeping tag 1 so tests can check its content. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decode(bytes, { tags: Tagged.preserve(1) });
}

export const CBOR_WIRE: Wire = {
  name: "cbor",
  contentType: "application/x-amz-cbor-1.1",
  encode: (body) => cborCodec.encode(body),
  decode(bytes) {
    if (bytes.byteLength === 0) return {};
    try {
      const value = decodeCbor(bytes);
      return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  },
  blob(value) {
    if (!(value instanceof Uint8Array)) throw new Error(`not a byte string: ${String(value)}`);
    return value;
  },
  time(value) {
    // AWS CBOR: tag 1 over integer epoch milliseconds.
    if (!(value instanceof Tagged) || value.tag !== 1 || !Number.isInteger(value.value)) {
      throw new Error(`not tag 1 over epoch milliseconds: ${String(value)}`);
    }
    return new Date(value.value as number);
  },
};

export const WIRES: readonly Wire[] = [JSON_WIRE, CBOR_WIRE];

/** Calls `operation` the way `call` does, in `wire`'s encoding. */
export async function callOver(
  wire: Wire,
  operation: string,
  body: unknown,
  options: { headers?: Record<string, string>; raw?: string | Uint8Array } = {},
): Promise<Answer> {
  const res = await exports.default.fetch("http://localhost/", {
    method: "POST",
    headers: {
      "content-type": wire.contentType,
      "x-amz-target": `Kinesis_20131202.${operation}`,
      "x-amz-date": "20261127T000000Z",
      authorization: AUTH,
      ...options.headers,
    },
    body: options.raw ?? wire.encode(body),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    body: wire.decode(bytes),
    text: new TextDecoder().decode(bytes),
  };
}

/** Calls over `wire` and expects success; returns the decoded body. */
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
