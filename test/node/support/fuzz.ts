/**
 * What the fuzz test needs besides its generators: two ways to send a request
 * (fetch, and a raw socket for framing fetch will not produce), the checks
 * every answer must pass, an oracle for what the front door must refuse, the
 * action modules' input shapes, and the resident memory of the workerd
 * processes this test process started.
 */
import { readFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { isKinesisError, type KinesisError } from "../../../src/kinesis/errors/index.js";
import { OPERATIONS, type Operation, operationOf } from "../../../src/kinesis/operations.js";
import { parseInput } from "../../../src/kinesis/parse-input.js";
import type { StructureShape } from "../../../src/kinesis/shape.js";
import { cborCodec } from "../../../src/protocol/cbor.js";
import type { Codec } from "../../../src/protocol/codec.js";
import { jsonCodec } from "../../../src/protocol/json.js";
import { processTree } from "./process.js";

/** Any answer must arrive within this long; a request that takes longer is a hang. */
export const ANSWER_TIMEOUT_MS = 10_000;

/** The JSON error codes a Kinesis endpoint answers with. */
export const AWS_ERROR_CODES: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "ExpiredIteratorException",
  "ExpiredNextTokenException",
  "IncompleteSignatureException",
  "InternalFailure",
  "InvalidArgumentException",
  "InvalidSignatureException",
  "KMSAccessDeniedException",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "KMSOptInRequired",
  "KMSThrottlingException",
  "LimitExceededException",
  "MissingAuthenticationTokenException",
  "ProvisionedThroughputExceededException",
  "RequestEntityTooLargeException",
  "ResourceInUseException",
  "ResourceNotFoundException",
  "SerializationException",
  "UnknownOperationException",
  "ValidationException",
]);

/**
 * The errors a request may get once the front door has let it through: the
 * action's own refusals (existence, state, arguments, limits). AWS also
 * answers some of those with ValidationException (a record over the stream's
 * size limit, warm throughput on a provisioned stream).
 */
export const ACTION_ERRORS: ReadonlySet<string> = new Set([
  "ExpiredIteratorException",
  "ExpiredNextTokenException",
  "InvalidArgumentException",
  "LimitExceededException",
  "ProvisionedThroughputExceededException",
  "ResourceInUseException",
  "ResourceNotFoundException",
  "ValidationException",
]);

/** The protocol-level refusals, which AWS answers as bare XML. */
const XML_ERRORS: ReadonlyMap<string, number> = new Map([
  ["AccessDeniedException", 403],
  ["UnknownOperationException", 404],
]);

// ---------------------------------------------------------------------------
// Requests and answers

export interface Request {
  /** What the request is, for failure messages. */
  readonly label: string;
  readonly method: string;
  /** Path and query, e.g. "/" */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  readonly ms: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A short, printable view of bytes for failure messages. */
export function preview(bytes: Uint8Array | undefined, max = 400): string {
  if (bytes === undefined) return "(no body)";
  // Control characters and lone surrogates shown as escapes.
  const text = decoder
    .decode(bytes.subarray(0, max))
    .replace(/\p{Cc}|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return bytes.byteLength > max ? `${text}… (${bytes.byteLength} bytes)` : text;
}

export function describeRequest(request: Request): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`)
    .join("\n  ");
  return `${request.label}\n${request.method} ${request.path}\n  ${headers}\n  body: ${preview(request.body)}`;
}

export function describeReply(reply: Reply): string {
  const headers = [...reply.headers].map(([name, value]) => `${name}: ${value}`).join("\n  ");
  return `${reply.status} in ${reply.ms} ms\n  ${headers}\n  body: ${preview(reply.body)}`;
}

/** A failed check, with the request and the answer that failed it. */
export class FuzzFailure extends Error {
  override readonly name = "FuzzFailure";
}

/** Requests sent so far (by send and rawExchange), to size the memory calibration. */
export const traffic = { requests: 0 };

/** Sends a request with fetch; an answer that takes longer than the timeout fails as a hang. */
export async function send(endpoint: string, request: Request): Promise<Reply> {
  traffic.requests++;
  const started = Date.now();
  const signal = AbortSignal.timeout(ANSWER_TIMEOUT_MS);
  try {
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      redirect: "manual",
      signal,
    };
    // Bytes, never a string: fetch would add a text/plain content type to a string.
    if (request.body !== undefined) init.body = request.body;
    const response = await fetch(`${endpoint}${request.path}`, init);
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body, ms: Date.now() - started };
  } catch (error) {
    const why = signal.aborted
      ? `no answer within ${ANSWER_TIMEOUT_MS} ms (a hang)`
      : `the request failed on the client side: ${String(error)}${
          error instanceof Error && error.cause !== undefined ? ` (${String(error.cause)})` : ""
        }`;
    throw new FuzzFailure(`${why}\n${describeRequest(request)}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------
// Raw HTTP/1.1 over a socket

export interface RawOutcome {
  /** The first complete answer, if one arrived. */
  readonly reply?: Reply;
  /** A socket error the client saw (EPIPE, ECONNRESET), if any. */
  readonly error?: string;
  /** Neither an answer nor a close within the timeout. */
  readonly timedOut: boolean;
  readonly ms: number;
}

/** How the client ends its side after writing. */
export type RawEnding = "keep-open" | "half-close" | "destroy";

/**
 * Writes `pieces` to a fresh connection (honouring backpressure, and stopping
 * early once an answer has arrived or the server has closed), ends as told,
 * and waits for the first complete answer, the connection to close, or the
 * timeout.
 */
export function rawExchange(
  port: number,
  pieces: Iterable<Uint8Array | string>,
  ending: RawEnding,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<RawOutcome> {
  traffic.requests++;
  const started = Date.now();
  return new Promise<RawOutcome>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = Buffer.alloc(0);
    let error: string | undefined;
    let settled = false;
    const finish = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const reply = parseRawReply(received, Date.now() - started, socket.readableEnded);
      socket.destroy();
      resolve({
        ...(reply ? { reply } : {}),
        ...(error !== undefined ? { error } : {}),
        timedOut: timedOut && reply === undefined,
        ms: Date.now() - started,
      });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (parseRawReply(received, 0, false) !== undefined) finish(false);
    });
    socket.on("error", (e: Error) => {
      error ??= e.message;
    });
    socket.on("close", () => finish(false));
    socket.on("connect", () => {
      void pump(socket, pieces, () => settled).then(() => {
        if (settled || socket.destroyed) return;
        if (ending === "half-close") socket.end();
        if (ending === "destroy") finish(false);
      });
    });
  });
}

async function pump(
  socket: Socket,
  pieces: Iterable<Uint8Array | string>,
  stop: () => boolean,
): Promise<void> {
  for (const piece of pieces) {
    if (stop() || socket.destroyed || !socket.writable) return;
    if (!socket.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off("drain", done);
          socket.off("close", done);
          resolve();
        };
        socket.on("drain", done);
        socket.on("close", done);
      });
    }
  }
}

/**
 * The first complete HTTP/1.1 answer in `bytes` (1xx answers skipped), or
 * undefined. A body without a length ends at the close (`closed`).
 */
function parseRawReply(bytes: Buffer, ms: number, closed: boolean): Reply | undefined {
  let offset = 0;
  for (;;) {
    const end = bytes.indexOf("\r\n\r\n", offset, "latin1");
    if (end < 0) return undefined;
    const lines = bytes.subarray(offset, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
    if (!Number.isInteger(status)) return undefined;
    const headers = new Headers();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const start = end + 4;
    if (status >= 100 && status < 200) {
      offset = start;
      continue;
    }
    if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
      const body = dechunk(bytes.subarray(start));
      return body ? { status, headers, body, ms } : undefined;
    }
    const length = headers.get("content-length");
    if (length !== null) {
      const n = Number(length);
      if (bytes.length - start < n) return undefined;
      return { status, headers, body: new Uint8Array(bytes.subarray(start, start + n)), ms };
    }
    return closed
      ? { status, headers, body: new Uint8Array(bytes.subarray(start)), ms }
      : undefined;
  }
}

function dechunk(bytes: Buffer): Uint8Array | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const eol = bytes.indexOf("\r\n", offset, "latin1");
    if (eol < 0) return undefined;
    const size = Number.parseInt(bytes.subarray(offset, eol).toString("latin1"), 16);
    if (!Number.isInteger(size)) return undefined;
    if (size === 0) return new Uint8Array(Buffer.concat(parts));
    if (bytes.length < eol + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(eol + 2, eol + 2 + size));
    offset = eol + 2 + size + 2;
  }
}

// ---------------------------------------------------------------------------
// Checking answers

/** What a request deserves. */
export interface Expectation {
  /**
   * The error codes the request may be refused with because of what is wrong
   * with it. Empty: nothing is wrong, so it may succeed or fail only as an
   * action fails (ACTION_ERRORS).
   */
  readonly refusals: ReadonlySet<string>;
  /** When exactly one thing is wrong and the oracle knows the answer to the letter. */
  readonly exact?: { readonly type: string; readonly message: string; readonly status: number };
  /** An OPTIONS preflight with an Origin: answered 200 with no body. */
  readonly preflight?: boolean;
  /** A HEAD request: answers carry no body. */
  readonly head?: boolean;
}

/** The error an answer carries, after the checks every answer must pass. */
export interface Verdict {
  readonly status: number;
  /** The error code, or undefined for a success. */
  readonly type?: string;
  readonly message?: string;
  /** The parsed JSON body of a success (undefined when empty). */
  readonly output?: unknown;
}

/**
 * The checks every answer must pass, then the expectation. Throws a
 * FuzzFailure naming the request and the answer.
 */
export function check(request: Request, reply: Reply, expectation: Expectation): Verdict {
  const fail = (why: string): never => {
    throw new FuzzFailure(
      `${why}\n--- request\n${describeRequest(request)}\n--- answer\n${describeReply(reply)}`,
    );
  };
  const verdict = wellFormed(reply, expectation, fail);
  const { refusals, exact } = expectation;
  if (verdict.type === undefined) {
    if (refusals.size > 0) {
      fail(
        `answered ${verdict.status} but must be refused with one of ${[...refusals].join(", ")}`,
      );
    }
    return verdict;
  }
  if (refusals.size === 0) {
    if (!ACTION_ERRORS.has(verdict.type)) {
      fail(`a request the front door must accept was refused with ${verdict.type}`);
    }
    return verdict;
  }
  if (!refusals.has(verdict.type)) {
    fail(`refused with ${verdict.type}, expected one of ${[...refusals].join(", ")}`);
  }
  if (exact !== undefined) {
    if (verdict.type !== exact.type || verdict.status !== exact.status) {
      fail(`expected ${exact.status} ${exact.type}`);
    }
    if ((verdict.message ?? "") !== exact.message) {
      fail(`expected the message ${JSON.stringify(exact.message.slice(0, 600))}`);
    }
  }
  return verdict;
}

/** The protocol's own rules, whatever the request. */
function wellFormed(reply: Reply, expectation: Expectation, fail: (why: string) => never): Verdict {
  const { status, headers, body } = reply;
  if (!headers.get("x-amzn-requestid")) fail("the answer has no x-amzn-RequestId");
  if (status >= 500) fail(`a ${status}: the service failed`);
  if (status !== 200 && ![400, 403, 404, 413].includes(status)) fail(`unexpected status ${status}`);
  const contentType = headers.get("content-type");
  if (status === 200) {
    if (expectation.preflight) {
      if (body.byteLength !== 0) fail("a preflight answer has a body");
      return { status };
    }
    const codec = ANSWER_CODECS.get(contentType ?? "");
    if (!codec) fail(`a success with content type ${contentType}`);
    if (body.byteLength === 0) return { status };
    const output = decodeWith(codec, body);
    if (output === undefined || typeof output !== "object" || output === null) {
      fail(`a success whose body is not a ${contentType} object`);
    }
    return { status, output };
  }
  if (status === 403 || status === 404) {
    if (ANSWER_CODECS.has(contentType ?? "")) return jsonError(reply, fail);
    if (expectation.head)
      return {
        status,
        type: status === 403 ? "AccessDeniedException" : "UnknownOperationException",
      };
    const text = decoder.decode(body);
    const bare = /^<([A-Za-z]+)\/>\n?$/.exec(text);
    const full = /^<([A-Za-z]+)>\n {2}<Message>([^<>&]*)<\/Message>\n<\/([A-Za-z]+)>\n?$/.exec(
      text,
    );
    const type = bare?.[1] ?? (full?.[1] === full?.[3] ? full?.[1] : undefined);
    if (type === undefined) fail("a protocol-level refusal that is not well-formed XML");
    if (XML_ERRORS.get(type ?? "") !== status) fail(`${type} as XML with status ${status}`);
    return { status, type, ...(full?.[2] !== undefined ? { message: full[2] } : {}) };
  }
  return jsonError(reply, fail);
}

function jsonError(reply: Reply, fail: (why: string) => never): Verdict {
  const { status, headers, body } = reply;
  const contentType = headers.get("content-type");
  const codec = ANSWER_CODECS.get(contentType ?? "");
  if (!codec) fail(`an error with content type ${contentType}`);
  const parsed = decodeWith(codec, body);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    fail(`an error body that is not a ${contentType} object`);
  }
  const fields = parsed as Record<string, unknown>;
  const type = fields.__type;
  if (typeof type !== "string" || !AWS_ERROR_CODES.has(type)) {
    fail(`an error whose __type is not an AWS error code: ${JSON.stringify(type)}`);
  }
  for (const key of Object.keys(fields)) {
    if (key !== "__type" && key !== "message" && key !== "Message") fail(`an error field ${key}`);
  }
  const message = fields.message ?? fields.Message;
  if (message !== undefined && typeof message !== "string") fail("a message that is not a string");
  if ("message" in fields && "Message" in fields) fail("both message and Message");
  const errorType = headers.get("x-amzn-errortype");
  if (errorType !== null && errorType !== type)
    fail(`x-amzn-ErrorType ${errorType} but __type ${String(type)}`);
  return {
    status,
    type: String(type),
    ...(typeof message === "string" ? { message } : {}),
  };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// The front door's rules, as an oracle

/** The request content types the front door speaks, and their codecs. */
const CODECS = new Map<string, Codec>([
  ["application/x-amz-json-1.1", jsonCodec],
  ["application/x-amz-json-1.0", jsonCodec],
  ["application/json", jsonCodec],
  ["application/x-amz-cbor-1.1", cborCodec],
]);

/** The content types answers come in (errors and successes alike), and their codecs. */
const ANSWER_CODECS = new Map<string, Codec>([
  [jsonCodec.contentType, jsonCodec],
  [cborCodec.contentType, cborCodec],
]);

function decodeWith(codec: Codec | undefined, bytes: Uint8Array): unknown {
  if (codec === jsonCodec) return parseJson(bytes);
  try {
    return codec?.decode(bytes);
  } catch {
    return undefined;
  }
}

/** How a request authenticates, and what is wrong with that, if anything. */
export interface AuthCase {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A query string to add to the path, without "?". */
  readonly query?: string;
  /** The refusal this authentication earns, if any. */
  readonly refusal?: string;
}

/**
 * What a POST-able request deserves from the front door: the refusals each
 * of its faults may earn (the service may check them in any order), and the
 * exact answer when the only fault is in the body's members.
 */
export function expectationOf(
  shapes: ReadonlyMap<Operation, StructureShape>,
  parts: {
    readonly method: string;
    readonly contentType: string | undefined;
    readonly target: string | undefined;
    readonly auth: AuthCase;
    readonly origin?: string;
    readonly body: Uint8Array | undefined;
  },
): Expectation {
  const method = parts.method.toUpperCase();
  const head = method === "HEAD";
  if (method === "OPTIONS" && parts.origin) return { refusals: new Set(), preflight: true };
  const refusals = new Set<string>();
  if (method !== "POST") refusals.add("AccessDeniedException");
  const contentType = (parts.contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const codec = CODECS.get(contentType);
  if (!codec) {
    refusals.add(parts.target ? "UnknownOperationException" : "AccessDeniedException");
  }
  const operation = operationOf(parts.target);
  const shape = operation === undefined ? undefined : shapes.get(operation);
  if (shape === undefined) refusals.add("UnknownOperationException");
  const body = decodeBody(codec ?? jsonCodec, parts.body);
  if (body === undefined)
    refusals.add(operation ? "SerializationException" : "UnknownOperationException");
  if (parts.auth.refusal !== undefined) refusals.add(parts.auth.refusal);
  let exact: KinesisError | undefined;
  if (shape !== undefined && body !== undefined) {
    try {
      parseInput(shape, body);
    } catch (error) {
      if (!isKinesisError(error)) throw error;
      exact = error;
      refusals.add(error.type);
    }
  }
  return {
    refusals,
    ...(exact !== undefined && refusals.size === 1
      ? { exact: { type: exact.type, message: exact.message, status: exact.status } }
      : {}),
    ...(head ? { head } : {}),
  };
}

/** The body as the front door reads it: an object in its codec, or undefined for anything else. */
function decodeBody(codec: Codec, bytes: Uint8Array | undefined): object | undefined {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  let body: unknown;
  try {
    body = codec.decode(bytes);
  } catch {
    return undefined;
  }
  return typeof body === "object" && body !== null && !Array.isArray(body) ? body : undefined;
}

// ---------------------------------------------------------------------------
// The action modules' input shapes

const KINDS = new Set([
  "string",
  "integer",
  "boolean",
  "blob",
  "timestamp",
  "list",
  "map",
  "structure",
]);

function isStructureShape(value: unknown): value is StructureShape {
  if (typeof value !== "object" || value === null) return false;
  const { kind, members } = value as { kind?: unknown; members?: unknown };
  if (kind !== "structure" || typeof members !== "object" || members === null) return false;
  return Object.values(members).every(
    (member: unknown) =>
      typeof member === "object" &&
      member !== null &&
      KINDS.has(String((member as { kind?: unknown }).kind)),
  );
}

/**
 * The input shape of every implemented operation, from the Worker's own
 * action registry (worker/actions/index.ts), which imports cleanly under Node:
 * the actions depend only on src/ and on Workers types. The specifier is
 * computed so that tsc does not type-check worker/ against Node's types.
 */
export async function loadInputShapes(): Promise<Map<Operation, StructureShape>> {
  const specifier = ["..", "..", "..", "worker", "actions", "index.js"].join("/");
  const module: unknown = await import(/* @vite-ignore */ specifier);
  const actions =
    typeof module === "object" && module !== null && "actions" in module
      ? module.actions
      : undefined;
  if (typeof actions !== "object" || actions === null) {
    throw new Error("worker/actions/index.ts exports no `actions` registry");
  }
  const shapes = new Map<Operation, StructureShape>();
  for (const [name, action] of Object.entries(actions)) {
    const operation = OPERATIONS.find((op) => op === name);
    const input: unknown =
      typeof action === "object" && action !== null && "input" in action ? action.input : undefined;
    if (operation === undefined || !isStructureShape(input)) {
      throw new Error(`the action registered as ${name} has no structure input shape`);
    }
    shapes.set(operation, input);
  }
  return shapes;
}

// ---------------------------------------------------------------------------
// Memory

export interface Resident {
  /** The workerd processes measured. */
  readonly pids: readonly number[];
  /** Their VmRSS, summed, in bytes. */
  readonly bytes: number;
  /** Each one's VmRSS, in the order of pids. */
  readonly perProcess: readonly number[];
}

/**
 * The resident memory of the workerd processes under this process (the
 * runtime wrangler started for this test file), from /proc/<pid>/status.
 */
export async function workerdResident(): Promise<Resident> {
  const tree = await processTree(process.pid);
  const workerd = tree.filter((p) => p.command === "workerd");
  const pids: number[] = [];
  const perProcess: number[] = [];
  for (const { pid } of workerd) {
    let status: string;
    try {
      status = await readFile(`/proc/${pid}/status`, "utf8");
    } catch {
      continue; // Gone since the listing.
    }
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
    if (Number.isFinite(kib)) {
      pids.push(pid);
      perProcess.push(kib * 1024);
    }
  }
  return { pids, bytes: perProcess.reduce((a, b) => a + b, 0), perProcess };
}
