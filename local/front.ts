/**
 * The HTTP front of the local service: HTTP/2 and HTTP/1.1 on one port, in
 * cleartext or over TLS, in front of a Worker that speaks HTTP/1.1 only. The
 * AWS SDK for JavaScript v3 talks HTTP/2 to Kinesis by default; workerd
 * serves HTTP/1.1.
 *
 * In cleartext a connection's first bytes decide: the HTTP/2 preface goes to
 * Node's HTTP/2 server, anything else to Node's HTTP/1.1 server (the bytes
 * read are put back first). Over TLS, ALPN decides (`h2` or `http/1.1`).
 * Either way every request is forwarded over a keep-alive pool (see
 * ./front-forward.ts). HTTP/1.1 is parsed here rather than spliced to workerd
 * byte for byte, so that the front sees each request: to answer methods
 * workerd would answer with a bare 501, and to let a client read a 413 sent
 * while it is still uploading.
 *
 * The front caps connections, closes silent ones, and bounds what it reads
 * after an early answer (./front-limits.ts).
 *
 * @example
 * const front = await startFront({ host: "127.0.0.1", port: 4567, target: workerUrl });
 * console.log(front.url.href); // http://127.0.0.1:4567/
 * await front.close();
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { answerClientError, answerConnect, forwardHttp1, forwardHttp2 } from "./front-forward.ts";
import { type FrontLimits, frontLimits } from "./front-limits.ts";

export type { FrontLimits } from "./front-limits.ts";

/** The largest request head the front reads; beyond it, 431. */
const MAX_HEADER_BYTES = 256 * 1024;

export interface FrontOptions {
  host: string;
  /** 0 lets the OS pick; the returned `url` names the port. */
  port: number;
  /** The Worker's own HTTP/1.1 socket. */
  target: URL;
  /** Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with this certificate and key, in PEM. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  limits?: Partial<FrontLimits>;
}

export interface Front {
  /** `http://host:port` or, with `tls`, `https://host:port`. */
  url: URL;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** Listens on `port` of `host` and forwards to the Worker at `target`, in this thread. */
export async function startFront(options: FrontOptions): Promise<Front> {
  const limits = frontLimits(options.limits);
  const upstream = {
    host: options.target.hostname,
    port: Number(options.target.port),
    agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  // Headers as large as workerd accepts (a 16 kB signature, a 200 kB header
  // line): Node's default of 16 KiB would refuse requests the Worker answers.
  const h1 = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  // Node's own inactivity timers, between requests and within one, run on
  // the idle limit too, lest they close a connection sooner.
  h1.timeout = limits.idleTimeoutMs;
  // A client may send its last request and half-close at once (a raw socket
  // does, and workerd answered it). Node's HTTP server then aborts the
  // request unless its `httpAllowHalfOpen` is set: an undocumented switch,
  // read by the server's end-of-socket handler since Node's early days, and
  // covered here by the framing cases of test/node/fuzz.test.ts.
  Reflect.set(h1, "httpAllowHalfOpen", true);
  h1.keepAliveTimeout = limits.idleTimeoutMs;
  h1.on("request", (req, res) => forwardHttp1(req, res, upstream, limits));
  h1.on("clientError", (error, socket) => answerClientError(error, socket, limits));
  h1.on("connect", (_req, socket) => answerConnect(socket, limits));

  const h2 = http2.createServer({ settings: { maxHeaderListSize: MAX_HEADER_BYTES } });
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.setTimeout(limits.idleTimeoutMs, () => session.destroy());
  });
  h2.on("stream", (stream, headers) => forwardHttp2(stream, headers, upstream));
  h2.on("sessionError", () => {});

  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  let server: net.Server;
  if (options.tls) {
    server = tls.createServer({
      // As Node's own HTTP server: a client that has sent its last request
      // and half-closed still gets its answers.
      allowHalfOpen: true,
      cert: options.tls.cert,
      key: options.tls.key,
      ALPNProtocols: ["h2", "http/1.1"],
      handshakeTimeout: limits.idleTimeoutMs,
    });
    server.on("connection", track);
    server.on("tlsClientError", (_error, socket) => socket.destroy());
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      track(socket);
      if (socket.alpnProtocol === "h2") h2.emit("connection", socket);
      else h1.emit("connection", socket);
    });
  } else {
    // As Node's own HTTP server: a client that has sent its last request and
    // half-closed still gets its answers.
    server = net.createServer({ allowHalfOpen: true }, (socket) => {
      track(socket);
      socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
      sniff(socket, (isH2) => {
        if (isH2) {
          // The session keeps its own idle timer; it reads the socket natively.
          socket.setTimeout(0);
          h2.emit("connection", socket);
        } else {
          h1.emit("connection", socket);
          socket.resume();
        }
      });
    });
  }
  // Beyond the cap, Node closes a new connection as soon as it is accepted.
  server.maxConnections = limits.maxConnections;
  server.on("drop", () => {});

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the front has no port");
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: new URL(`${options.tls ? "https" : "http"}://${host}:${address.port}`),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      upstream.agent.destroy();
      await closed;
    },
  };
}

/**
 * Reads just enough of a connection to tell HTTP/2's preface from anything
 * else, then puts the bytes read back and pauses it for the server that
 * takes it over. (Both of Node's servers read what is already buffered.)
 */
function sniff(socket: net.Socket, decide: (isH2: boolean) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    const head = Buffer.concat(chunks, length);
    const seen = head.subarray(0, Math.min(length, PREFACE.length));
    const matches = seen.equals(PREFACE.subarray(0, seen.length));
    if (matches && length < PREFACE.length) return;
    socket.off("data", onData);
    socket.pause();
    socket.unshift(head);
    decide(matches);
  };
  socket.on("data", onData);
}
