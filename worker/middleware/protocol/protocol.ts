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

/**
 * How many bytes of request bodies an isolate reads and decodes at once, by
 * default. A body costs several times its size while it is read, decoded
 * (JSON or CBOR) and parsed (base64 record data); 64 MiB in flight is three
 * bodies near the 20 MiB limit, or thousands of small ones, so what is alive
 * at once stays near a quarter of a GB however many clients upload together.
 * Measured with 32 concurrent 19 MiB PutRecords bodies on npm start: the
 * service peaked at 2.6 GB before and 2.5 GB after, since V8 leaves that
 * much garbage uncollected even when the same bodies come one at a time (2.1
 * GB); with workerd's old space capped (--max-old-space-size=256) the peak
 * was 1.1 GB with the budget and 1.5 GB without it.
 */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

export interface ProtocolOptions {
  /** Bodies above this are refused (413) before they are read whole. */
  readonly maxBodyBytes: number;
  /**
   * Bytes of bodies read, decoded and handled at once in this isolate
   * (default {@link DEFAULT_BODY_BUDGET_BYTES}). A request that does not fit
   * waits for earlier ones to finish: back-pressure, not an error. A body
   * larger than the budget (but within the limit) runs alone.
   */
  readonly bodyBudgetBytes?: number;
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
  const budget = bodyBudget(options.bodyBudgetBytes ?? DEFAULT_BODY_BUDGET_BYTES);
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
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
    // The body's bytes are charged until the answer is ready: its decoded
    // form lives on in the action's input.
    const release = await budget.acquire(chargeOf(request, declared, maxBodyBytes));
    try {
      // Read in a function of its own, so that no variable of this frame
      // holds the body's bytes while the rest of the chain runs.
      c.set("body", await readStructure(request, codec, operation, maxBodyBytes));
      if (!operation) throw unknownOperation();
      if (!serves(operation)) throw operationNotSupported(operation);
      c.set("operation", operation);
      return await next();
    } finally {
      release();
    }
  };
}

/** What a body is charged: its declared length, or the limit, which a body of unknown length may reach. */
function chargeOf(request: Request, declared: number, maxBytes: number): number {
  if (!request.body) return 0;
  if (request.headers.has("content-length") && Number.isSafeInteger(declared) && declared >= 0) {
    return declared;
  }
  return maxBytes;
}

/**
 * How often a request waiting for the budget looks again. Waiters poll, with
 * a timer of their own, rather than await a promise another request resolves:
 * workerd cancels a request that waits on nothing of its own as hung.
 */
const BUDGET_POLL_MS = 5;
/**
 * A request that holds bytes this long is assumed gone: should workerd drop
 * the work of a request whose client went away, its `finally` never runs,
 * and its bytes must not be lost to the budget for good.
 */
const BUDGET_LEASE_MS = 60_000;

/** Hands out a fixed number of bytes to whichever waiting request they fit first. */
interface BodyBudget {
  /** Resolves once `bytes` (at most the whole budget) are free, with their release. */
  acquire(bytes: number): Promise<() => void>;
}

function bodyBudget(totalBytes: number): BodyBudget {
  const leases = new Set<{ bytes: number; until: number }>();
  let used = 0;
  const fits = (bytes: number) => {
    if (used + bytes <= totalBytes) return true;
    const now = Date.now();
    for (const lease of leases) {
      if (lease.until > now) continue;
      leases.delete(lease);
      used -= lease.bytes;
    }
    return used + bytes <= totalBytes;
  };
  return {
    async acquire(requested) {
      const bytes = Math.min(requested, totalBytes);
      if (bytes === 0) return () => {};
      while (!fits(bytes)) await new Promise((resolve) => setTimeout(resolve, BUDGET_POLL_MS));
      const lease = { bytes, until: Date.now() + BUDGET_LEASE_MS };
      leases.add(lease);
      used += bytes;
      return () => {
        if (leases.delete(lease)) used -= bytes;
      };
    },
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
