/**
 * The Hono app: request log → request id → CORS → the Kinesis protocol → authentication →
 * the action; and GET /health beside the protocol. The chain checks in AWS's order (protocol, then
 * authentication, then serialization, then validation, then the action,
 * which checks existence and state), and every failure is a KinesisError
 * rendered in one place, `app.onError`.
 */
import { Hono } from "hono";
import { internalFailure, isKinesisError } from "../src/kinesis/errors/index.js";
import { parseInput } from "../src/kinesis/parse-input.js";
import { jsonCodec } from "../src/protocol/json.js";
import { actions } from "./actions/index.js";
import { type AuthVariables, authentication } from "./middleware/auth/index.js";
import { cors } from "./middleware/cors/index.js";
import { kinesisProtocol, type ProtocolVariables } from "./middleware/protocol/index.js";
import { requestId } from "./middleware/request-id/index.js";
import {
  type RequestLogVariables,
  requestLog,
  streamLabel,
} from "./middleware/request-log/index.js";
import { health } from "./routes/health.js";

type AppEnv = {
  Bindings: Env;
  Variables: { requestId: string } & ProtocolVariables & AuthVariables & RequestLogVariables;
};

/** Bodies above this are refused before they are read whole. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export const app = new Hono<AppEnv>();

// First, so its timing and status cover every answer, refusals included.
app.use(requestLog());
app.use(requestId());
app.use(cors());
// Before the Kinesis protocol, which answers every other GET as AWS does.
app.get("/health", health());
app.use(
  kinesisProtocol({ maxBodyBytes: MAX_BODY_BYTES, serves: (op) => actions[op] !== undefined }),
);
app.use(authentication());

app.all("*", async (c) => {
  const { codec, operation, scope } = c.var;
  const action = actions[operation];
  // The protocol middleware lets through only operations that have an action.
  if (!action) throw internalFailure();
  c.set("stream", streamLabel(c.var.body));
  // Serialization, then validation, against the operation's input shape.
  const input = parseInput(action.input, c.var.body);
  // The decoded body (PutRecords' is up to 5 MB of base64 text) is not needed
  // once it is parsed; the context would otherwise keep it alive until the
  // answer is sent, and every call in flight would hold one.
  c.set("body", {});
  // The action: existence, state, and the work.
  const output = await action.handle(input, {
    env: c.env,
    scope,
    requestId: c.var.requestId,
    codec,
  });
  // SubscribeToShard answers with its event stream, already framed.
  if (output instanceof Response) return output;
  // Operations whose output is the model's Unit (CreateStream, DeleteStream)
  // answer with an empty body, as AWS does.
  const encoded = Object.keys(output).length === 0 ? "" : codec.encode(output);
  return new Response(encoded, { headers: { "content-type": codec.contentType } });
});

app.onError((error, c) => {
  const known = isKinesisError(error) ? error : undefined;
  if (!known) console.error("InternalFailure", error);
  const rendered = known ?? internalFailure();
  const codec = c.var.codec ?? jsonCodec;
  return new Response(codec.encode(rendered.toBody()), {
    status: rendered.status,
    headers: { "content-type": codec.contentType, "x-amzn-ErrorType": rendered.type },
  });
});
