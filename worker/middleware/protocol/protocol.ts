/**
 * The Kinesis protocol at the front door: the method, the content type (and
 * so the codec), the target (and so the operation), and the body, read as
 * bytes within a limit and decoded. It runs before authentication, as AWS's
 * front end does: a request that is not the protocol's is refused before its
 * credentials are looked at.
 */
import type { MiddlewareHandler } from "hono";
import {
  bodyTooLarge,
  bodyUnreadable,
  isKinesisError,
  type KinesisError,
  notAStructure,
  operationNotSupported,
  operationUndetermined,
  unknownOperation,
} from "../../../src/kinesis/errors/index.js";
import { type Operation, operationOf } from "../../../src/kinesis/operations.js";
import { isStructureOrMap } from "../../../src/kinesis/parse-input.js";
import { CBOR_CONTENT_TYPE, cborCodec } from "../../../src/protocol/cbor.js";
import type { Codec } from "../../../src/protocol/codec.js";
import { jsonCodec } from "../../../src/protocol/json.js";

/**
 * The codec of each content type the front door speaks: AWS JSON, and AWS
 * CBOR 1.1 (the Java SDK's and the KCL's default). Answers, errors included,
 * go out in the request's codec.
 */
const CODECS = new Map<string, Codec>([
  ["application/x-amz-json-1.1", jsonCodec],
  ["application/x-amz-json-1.0", jsonCodec],
  ["application/json", jsonCodec],
  [CBOR_CONTENT_TYPE, cborCodec],
]);

export interface ProtocolOptions {
  /** Bodies above this are refused (413) before they are read whole. */
  readonly maxBodyBytes: number;
  /** Whether this endpoint serves an operation of the model. */
  readonly serves: (operation: Operation) => boolean;
}

export type ProtocolVariables = {
  /** The request's codec; errors are rendered in it too (JSON until it is known). */
  codec: Codec;
  operation: Operation;
  /** The decoded body: a structure, not yet checked against the operation's input. */
  body: Record<string, unknown>;
};

/**
 * Decodes a Kinesis request and sets `c.var.codec`, `c.var.operation` and
 * `c.var.body`. Refusals of the protocol itself are answered at once, as
 * bare XML like AWS's; the rest are thrown for the app's error handler.
 *
 * @example
 * app.use(kinesisProtocol({ maxBodyBytes: 20 * 1024 * 1024, serves: (op) => op in actions }));
 */
export function kinesisProtocol(
  options: ProtocolOptions,
): MiddlewareHandler<{ Variables: ProtocolVariables }> {
  const { maxBodyBytes, serves } = options;
  return async function kinesisProtocolMiddleware(c, next) {
    const request = c.req.raw;
    c.set("codec", jsonCodec);
    const target = request.headers.get("x-amz-target");
    if (request.method !== "POST") return xmlError(operationUndetermined());
    const contentType =
      (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const codec = CODECS.get(contentType);
    if (!codec) return xmlError(target ? unknownOperation(404) : operationUndetermined());
    c.set("codec", codec);
    const operation = operationOf(target);
    // Read in a function of its own, so that no variable of this frame holds
    // the body's bytes while the rest of the chain runs.
    c.set("body", await readStructure(request, codec, operation, maxBodyBytes));
    if (!operation) throw unknownOperation();
    if (!serves(operation)) throw operationNotSupported(operation);
    c.set("operation", operation);
    return next();
  };
}

/**
 * The body, read within the limit and decoded: a structure, or
 * SerializationException (UnknownOperationException for a target that names
 * no operation).
 */
async function readStructure(
  request: Request,
  codec: Codec,
  operation: Operation | undefined,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw bodyTooLarge(maxBytes);
  const bytes = await readBody(request, maxBytes);
  let body: unknown;
  try {
    body = bytes.byteLength === 0 ? undefined : codec.decode(bytes);
  } catch {
    body = undefined;
  }
  if (!isStructureOrMap(body)) throw operation ? notAStructure() : unknownOperation();
  return body;
}

/** The protocol-level refusals AWS answers outside the JSON protocol, as bare XML. */
function xmlError(error: KinesisError): Response {
  const { type, message } = error;
  const body = message
    ? `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`
    : `<${type}/>\n`;
  return new Response(body, { status: error.status });
}

/** Reads the body as bytes (never as text: workerd warns on non-text types), within the limit. */
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readWhole(request, maxBytes);
  } catch (error) {
    if (isKinesisError(error)) throw error;
    // The client broke its request off (or sent broken chunked framing): its
    // fault, not ours, though it will rarely stay to read the answer.
    throw bodyUnreadable();
  }
}

async function readWhole(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  // With a declared length (already checked against the limit) the runtime
  // reads the body in one native call; only chunked bodies are counted here.
  if (request.headers.has("content-length")) return new Uint8Array(await request.arrayBuffer());
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
