/**
 * The Hono app: request id → CORS → the Kinesis front door. The front door
 * checks in AWS's order (protocol, then authentication, then serialization,
 * then validation, then the action, which checks existence and state), and
 * every failure is a KinesisError rendered in one place, `app.onError`.
 */
import { Hono } from "hono";
import { isKinesisError, KinesisError } from "../src/kinesis/errors.js";
import { type Operation, operationOf } from "../src/kinesis/operations.js";
import { isStructureOrMap, parseInput } from "../src/kinesis/shape.js";
import { CBOR_CONTENT_TYPE, cborCodec } from "../src/protocol/cbor.js";
import type { Codec } from "../src/protocol/codec.js";
import { jsonCodec } from "../src/protocol/json.js";
import { actions } from "./actions/index.js";
import { regionOf } from "./middleware/auth.js";
import { cors } from "./middleware/cors.js";
import { requestId } from "./middleware/request-id.js";

type AppEnv = { Bindings: Env; Variables: { requestId: string; codec: Codec } };

/** Bodies above this are refused before they are read whole. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

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

/** The protocol-level refusals AWS answers outside the JSON protocol, as bare XML. */
function xmlError(status: 403 | 404, type: string, message?: string): Response {
  const body = message
    ? `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`
    : `<${type}/>\n`;
  return new Response(body, { status });
}

export const app = new Hono<AppEnv>();

app.use(requestId());
app.use(cors());

app.all("*", async (c) => {
  const request = c.req.raw;
  c.set("codec", jsonCodec);

  // 1. Protocol: method, content type, target.
  const operation = operationOf(request.headers.get("x-amz-target"));
  if (request.method !== "POST") {
    return xmlError(
      403,
      "AccessDeniedException",
      "Unable to determine service/operation name to be authorized",
    );
  }
  const contentType =
    (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const codec = CODECS.get(contentType);
  if (!codec) {
    return request.headers.get("x-amz-target")
      ? xmlError(404, "UnknownOperationException")
      : xmlError(
          403,
          "AccessDeniedException",
          "Unable to determine service/operation name to be authorized",
        );
  }
  c.set("codec", codec);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await readBody(request);
  let body: unknown;
  try {
    body = bytes.byteLength === 0 ? undefined : codec.decode(bytes);
  } catch {
    body = undefined;
  }
  if (!isStructureOrMap(body)) {
    throw new KinesisError(operation ? "SerializationException" : "UnknownOperationException");
  }
  if (!operation) throw new KinesisError("UnknownOperationException");
  const action = actions[operation];
  if (!action) throw notImplemented(operation);

  // 2. Authentication.
  const region = regionOf(request);
  const scope = { account: c.env.ACCOUNT_ID || "000000000000", region };

  // 3 and 4. Serialization, then validation, against the operation's input shape.
  const input = parseInput(action.input, body);

  // 5. The action: existence, state, and the work.
  const output = await action.handle(input, { env: c.env, scope, requestId: c.get("requestId") });
  // Operations whose output is the model's Unit (CreateStream, DeleteStream)
  // answer with an empty body, as AWS does.
  const encoded = Object.keys(output).length === 0 ? "" : codec.encode(output);
  return new Response(encoded, { headers: { "content-type": codec.contentType } });
});

app.onError((error, c) => {
  const known = isKinesisError(error) ? error : undefined;
  if (!known) console.error("InternalFailure", error);
  const rendered = known ?? new KinesisError("InternalFailure", undefined, 500);
  const codec = c.get("codec") ?? jsonCodec;
  return new Response(codec.encode(rendered.toBody()), {
    status: rendered.status,
    headers: { "content-type": codec.contentType, "x-amzn-ErrorType": rendered.type },
  });
});

function tooLarge(): KinesisError {
  return new KinesisError(
    "SerializationException",
    `Request body is larger than the ${MAX_BODY_BYTES} bytes this endpoint accepts.`,
    413,
  );
}

function notImplemented(operation: Operation): KinesisError {
  return new KinesisError(
    "UnknownOperationException",
    `Operation ${operation} is not supported by this endpoint yet.`,
  );
}

/** Reads the body as bytes (never as text: workerd warns on non-text types), within the limit. */
async function readBody(request: Request): Promise<Uint8Array> {
  try {
    return await readWhole(request);
  } catch (error) {
    if (isKinesisError(error)) throw error;
    // The client broke its request off (or sent broken chunked framing): its
    // fault, not ours, though it will rarely stay to read the answer.
    throw new KinesisError("SerializationException", "The request body could not be read.");
  }
}

async function readWhole(request: Request): Promise<Uint8Array> {
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
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
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
