/**
 * How the front hands a request to the Worker and its answer back: every
 * request, HTTP/1.1 or HTTP/2, becomes an HTTP/1.1 request over a keep-alive
 * pool to workerd (which serves HTTP/1.1 only).
 *
 * An answer may come while the client is still sending: the Worker refuses a
 * body over its limit with a 413 before reading it, and workerd then closes
 * the connection. A proxy that closed the client's connection too, with the
 * upload unread, would have the kernel reset it, and the client would most
 * likely lose the answer. So the answer is written whole, then the request is
 * stopped the way each protocol allows: an HTTP/2 stream is ended and reset
 * with NO_ERROR; an HTTP/1.1 connection is half-closed and what the client
 * still sends is read and thrown away, within the limits, before it closes.
 *
 * @example
 * h1.on("request", (req, res) => forwardHttp1(req, res, upstream, limits));
 * h2.on("stream", (stream, headers) => forwardHttp2(stream, headers, upstream));
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import http2 from "node:http2";
import type { Duplex, Readable } from "node:stream";
import type { FrontLimits } from "./front-limits.ts";

/** Where requests go: the Worker's own socket, and the pool of connections to it. */
export interface Upstream {
  host: string;
  port: number;
  agent: http.Agent;
}

/** Headers that describe one hop, not the message (RFC 9110 section 7.6.1, RFC 9113 section 8.2.2). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "host",
  "http2-settings",
  // The front answered it (Node sends 100 Continue); workerd need not again.
  "expect",
]);

/**
 * The methods passed to the Worker. workerd answers a method it does not
 * know with a bare 501 the Worker never sees, and HTTP/2 carries any token as
 * a method; the front answers every other method itself, as the Worker
 * answers any method but POST.
 */
/**
 * A body declared larger than this is sent only once workerd asks for it
 * (`expect: 100-continue`), which it does when the Worker starts reading it.
 * A body the Worker refuses unread (a 413) is then never sent: otherwise
 * workerd, closing with the upload unread, resets the connection, and the
 * reset can beat its answer to the front. Smaller bodies go at once and cost
 * no round trip.
 */
const EXPECT_CONTINUE_BYTES = 1024 * 1024;
/** How long to wait for workerd's 100 Continue before sending anyway (RFC 9110 section 10.1.1). */
const CONTINUE_TIMEOUT_MS = 1_000;

const FORWARDED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

/**
 * The Worker's answer to a method other than POST (worker/middleware/protocol:
 * AWS's AccessDeniedException for a request it cannot map to an operation,
 * as bare XML). Whether AWS's endpoint answers an unregistered method the
 * same way is not documented; this keeps every method the front refuses in
 * line with the ones the Worker refuses.
 */
const UNKNOWN_METHOD = {
  status: 403,
  contentType: "text/plain;charset=UTF-8",
  body: "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n",
};

/**
 * The front's own answers carry a request id, as every answer of the Worker
 * does (x-amzn-RequestId): SDKs log it, and a client that checks for it finds
 * it on a refusal from the front as well.
 */
function ownAnswerHeaders(): Record<string, string> {
  return { "x-amzn-RequestId": randomUUID() };
}

/**
 * A request whose body ended before its declared length: the Worker's
 * answer to a body it cannot read (src/kinesis/errors/protocol.ts,
 * bodyUnreadable), in JSON, which every Kinesis client reads.
 */
const BODY_UNREADABLE = {
  status: 400,
  contentType: "application/x-amz-json-1.1",
  type: "SerializationException",
  body: JSON.stringify({
    __type: "SerializationException",
    message: "The request body could not be read.",
  }),
};

/** Ours: what Node's HTTP/1.1 parser refuses, in the same shape. */
const NOT_HTTP = {
  ...BODY_UNREADABLE,
  body: JSON.stringify({
    __type: "SerializationException",
    message: "The request is not well-formed HTTP/1.1.",
  }),
};

/** Node's parser errors for a body cut short or framed wrongly, after the request line and headers. */
const BROKEN_BODY_CODES = new Set([
  "HPE_INVALID_EOF_STATE",
  "HPE_INVALID_CHUNK_SIZE",
  "HPE_CHUNK_EXTENSIONS_OVERFLOW",
  "HPE_STRICT",
]);

/**
 * Each connection's answer in progress. A client may pipeline a request
 * behind one the front is still answering; if the parser then refuses what
 * follows, its refusal must wait for the answer before it, or the client
 * reads them out of order.
 */
const answering = new WeakMap<Duplex, Promise<void>>();

/** Forwards one HTTP/1.1 request (cleartext or TLS) and streams the answer back. */
export function forwardHttp1(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upstream: Upstream,
  limits: FrontLimits,
): void {
  const { socket } = req;
  answering.set(socket, new Promise((resolve) => res.once("close", () => resolve())));
  const method = req.method ?? "";
  if (!FORWARDED_METHODS.has(method)) {
    res.writeHead(UNKNOWN_METHOD.status, {
      "content-type": UNKNOWN_METHOD.contentType,
      ...ownAnswerHeaders(),
    });
    res.end(UNKNOWN_METHOD.body);
    return;
  }
  const headers = requestHeaders(req.headers);
  if (req.headers.host !== undefined) headers.host = req.headers.host;
  if (Number(headers["content-length"]) > EXPECT_CONTINUE_BYTES) headers.expect = "100-continue";
  let answer: http.IncomingMessage | undefined;
  // The client half-closed with its body short of its Content-Length: no more
  // of it will come, so the request is answered as the Worker answers a body
  // it cannot read, and the upstream request is dropped.
  let abandoned = false;
  const onClientEnd = (): void => {
    if (req.complete || res.headersSent) return;
    abandoned = true;
    proxied.destroy();
    res.writeHead(BODY_UNREADABLE.status, {
      connection: "close",
      "content-type": BODY_UNREADABLE.contentType,
      "x-amzn-ErrorType": BODY_UNREADABLE.type,
      ...ownAnswerHeaders(),
    });
    res.end(BODY_UNREADABLE.body);
  };
  socket.once("end", onClientEnd);
  res.once("close", () => socket.off("end", onClientEnd));
  const proxied = http.request(
    {
      host: upstream.host,
      port: upstream.port,
      method,
      path: req.url ?? "/",
      headers,
      agent: upstream.agent,
    },
    (incoming) => {
      if (abandoned) {
        incoming.resume();
        return;
      }
      answer = incoming;
      const outgoing = answerHeaders(incoming.headers);
      if (!req.complete) {
        // Answered early: this connection cannot carry another request.
        outgoing.connection = "close";
        req.unpipe(proxied);
        lingerOnClose(res, req, limits);
        incoming.once("end", () => proxied.destroy());
      }
      res.writeHead(incoming.statusCode ?? 502, outgoing);
      incoming.pipe(res);
      incoming.once("aborted", () => res.destroy());
    },
  );
  proxied.on("error", () => {
    // workerd closing on an upload it refused, after a whole answer: expected.
    if (answer?.complete || abandoned) return;
    if (res.headersSent) res.destroy();
    else {
      if (!req.complete) lingerOnClose(res, req, limits);
      res.writeHead(502, { connection: "close", ...ownAnswerHeaders() });
      res.end();
    }
  });
  sendBody(req, proxied, headers);
}

/** Forwards one HTTP/2 stream as an HTTP/1.1 request and streams the answer back. */
export function forwardHttp2(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  upstream: Upstream,
): void {
  const method = String(headers[":method"] ?? "");
  if (!FORWARDED_METHODS.has(method)) {
    stream.respond({
      ":status": UNKNOWN_METHOD.status,
      "content-type": UNKNOWN_METHOD.contentType,
      ...ownAnswerHeaders(),
    });
    stream.end(UNKNOWN_METHOD.body);
    stopUpload(stream);
    return;
  }
  const outgoing = requestHeaders(headers);
  outgoing.host = String(headers[":authority"] ?? "localhost");
  if (Number(outgoing["content-length"]) > EXPECT_CONTINUE_BYTES) outgoing.expect = "100-continue";
  let answer: http.IncomingMessage | undefined;
  let requestEnded = false;
  stream.once("end", () => {
    requestEnded = true;
  });
  const proxied = http.request(
    {
      host: upstream.host,
      port: upstream.port,
      method,
      path: String(headers[":path"] ?? "/"),
      headers: outgoing,
      agent: upstream.agent,
    },
    (incoming) => {
      answer = incoming;
      if (stream.destroyed) {
        incoming.resume();
        return;
      }
      if (!requestEnded) {
        stream.unpipe(proxied);
        incoming.once("end", () => proxied.destroy());
        stopUpload(stream);
      }
      stream.respond({ ":status": incoming.statusCode ?? 502, ...answerHeaders(incoming.headers) });
      incoming.pipe(stream);
      incoming.once("aborted", () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    },
  );
  proxied.on("error", () => {
    if (answer?.complete || stream.destroyed) return;
    if (stream.headersSent) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    else {
      if (!requestEnded) stopUpload(stream);
      stream.respond({ ":status": 502, ...ownAnswerHeaders() });
      stream.end();
    }
  });
  stream.on("error", () => proxied.destroy());
  stream.once("close", () => {
    if (!answer?.complete) proxied.destroy();
  });
  sendBody(stream, proxied, outgoing);
}

/** Pipes the client's body upstream: at once, or on 100 Continue when the body is large. */
function sendBody(body: Readable, proxied: http.ClientRequest, headers: http.OutgoingHttpHeaders) {
  if (headers.expect === undefined) {
    body.pipe(proxied);
    return;
  }
  let sent = false;
  const send = () => {
    if (sent || proxied.destroyed) return;
    sent = true;
    clearTimeout(timer);
    body.pipe(proxied);
  };
  const timer = setTimeout(send, CONTINUE_TIMEOUT_MS);
  proxied.once("continue", send);
  proxied.once("response", () => {
    sent = true;
    clearTimeout(timer);
  });
  proxied.once("close", () => clearTimeout(timer));
}

/**
 * Answers what Node's HTTP/1.1 parser refused (an unknown method, a malformed
 * request line, headers too large) on a connection it will not read again.
 */
export function answerClientError(error: Error, socket: Duplex, limits: FrontLimits): void {
  const code = "code" in error ? String(error.code) : "";
  if (code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  // A method that is a token (FOO /) is refused as the Worker refuses GET;
  // bytes that are no request line at all are not HTTP.
  const packet =
    "rawPacket" in error && Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
  const namesMethod =
    packet !== undefined && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /.test(packet.toString("latin1"));
  const [status, reason, contentType, body, extra] =
    code === "HPE_INVALID_METHOD" && namesMethod
      ? [UNKNOWN_METHOD.status, "Forbidden", UNKNOWN_METHOD.contentType, UNKNOWN_METHOD.body, ""]
      : BROKEN_BODY_CODES.has(code)
        ? [
            BODY_UNREADABLE.status,
            "Bad Request",
            BODY_UNREADABLE.contentType,
            BODY_UNREADABLE.body,
            `x-amzn-ErrorType: ${BODY_UNREADABLE.type}\r\n`,
          ]
        : code === "HPE_HEADER_OVERFLOW"
          ? [431, "Request Header Fields Too Large", "", "", ""]
          : [
              NOT_HTTP.status,
              "Bad Request",
              NOT_HTTP.contentType,
              NOT_HTTP.body,
              `x-amzn-ErrorType: ${NOT_HTTP.type}\r\n`,
            ];
  const head =
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `x-amzn-RequestId: ${randomUUID()}\r\n${extra}` +
    (body ? `content-type: ${contentType}\r\n` : "");
  const pending = answering.get(socket);
  if (pending === undefined) closeAfter(socket, `${head}\r\n${body}`, limits);
  else void pending.then(() => closeAfter(socket, `${head}\r\n${body}`, limits));
}

/** Answers an HTTP/1.1 CONNECT, which Node hands over outside the request event. */
export function answerConnect(socket: Duplex, limits: FrontLimits): void {
  const { status, contentType, body } = UNKNOWN_METHOD;
  closeAfter(
    socket,
    `HTTP/1.1 ${status} Forbidden\r\nconnection: close\r\ncontent-type: ${contentType}\r\n` +
      `x-amzn-RequestId: ${randomUUID()}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    limits,
  );
}

/** Ends an HTTP/2 stream's upload once its answer is sent whole: RST_STREAM with NO_ERROR (RFC 9113 section 8.1). */
function stopUpload(stream: http2.ServerHttp2Stream): void {
  stream.resume();
  // close() with NO_ERROR on a stream whose answer is ending waits for it to finish.
  stream.once("finish", () => {
    if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
  });
}

/**
 * Node's HTTP/1.1 server ends a `connection: close` answer with destroySoon():
 * end, then destroy once written, unread upload or not. On this one connection
 * the end is followed by a bounded drain instead.
 */
function lingerOnClose(res: http.ServerResponse, req: Readable, limits: FrontLimits): void {
  const { socket } = res;
  if (!socket) return;
  socket.destroySoon = () => {
    socket.end();
    drain(socket, req, limits);
  };
}

/** Writes a last answer on a raw connection, half-closes it, and drains what follows. */
function closeAfter(socket: Duplex, answer: string, limits: FrontLimits): void {
  socket.end(answer);
  drain(socket, socket, limits);
}

/** Reads and discards `source` until the client closes, or the drain's time or bytes run out. */
function drain(socket: Duplex, source: Readable, limits: FrontLimits): void {
  const timer = setTimeout(() => socket.destroy(), limits.drainTimeoutMs);
  socket.once("close", () => clearTimeout(timer));
  let read = 0;
  source.on("data", (chunk: Buffer) => {
    read += chunk.length;
    if (read > limits.drainMaxBytes) socket.destroy();
  });
  source.resume();
}

function requestHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const outgoing: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || HOP_BY_HOP.has(name) || value === undefined) continue;
    outgoing[name] = value;
  }
  return outgoing;
}

function answerHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const outgoing: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) outgoing[name] = value;
  }
  return outgoing;
}
