// @ts-check
/**
 * Cleartext HTTP/2 (prior knowledge) and HTTP/1.1 on one port, in front of a
 * Worker that speaks HTTP/1.1 only. The AWS SDK for JavaScript v3 talks
 * HTTP/2 to Kinesis by default; workerd serves HTTP/1.1.
 *
 * Each connection's first bytes decide: a connection that opens with the
 * HTTP/2 preface is spliced to Node's HTTP/2 server on a loopback port, which
 * forwards every stream as an HTTP/1.1 request over a keep-alive pool;
 * anything else is spliced, byte for byte, to the Worker's port, so HTTP/1.1
 * traffic pays only a TCP relay and no parsing. (Node's HTTP/2 server reads
 * a socket through its native handle, so bytes already read cannot be handed
 * back to it; a second splice is the simple way round.)
 */
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

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
]);

/**
 * Listens on `port` of `host` and forwards to the Worker at `target`.
 *
 * @param {{ host: string; port: number; target: URL }} options
 * @returns {Promise<{ url: URL; close(): Promise<void> }>}
 */
export async function startFront({ host, port, target }) {
  const upstreamPort = Number(target.port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const h2 = http2.createServer();
  h2.on("stream", (stream, headers) => forward(stream, headers, upstreamPort, agent));
  h2.on("sessionError", () => {});
  await new Promise((resolve, reject) => {
    h2.once("error", reject);
    h2.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  const h2Address = h2.address();
  if (h2Address === null || typeof h2Address === "string") throw new Error("no HTTP/2 port");

  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    sniff(socket, (isH2, head) => {
      const upstream = isH2
        ? net.connect(h2Address.port, "127.0.0.1")
        : net.connect(upstreamPort, target.hostname);
      upstream.setNoDelay(true);
      socket.setNoDelay(true);
      upstream.on("error", () => socket.destroy());
      socket.on("close", () => upstream.destroy());
      upstream.on("close", () => socket.destroy());
      upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the front has no port");
  return {
    url: new URL(`http://${host}:${address.port}`),
    async close() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await new Promise((resolve) => h2.close(() => resolve(undefined)));
    },
  };
}

/**
 * Reads just enough of a connection to tell HTTP/2's preface from anything
 * else, then gives the bytes read back to the caller.
 *
 * @param {net.Socket} socket
 * @param {(isH2: boolean, head: Buffer) => void} decide
 */
function sniff(socket, decide) {
  /** @type {Buffer[]} */
  const chunks = [];
  let length = 0;
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    chunks.push(chunk);
    length += chunk.length;
    const head = Buffer.concat(chunks, length);
    const seen = head.subarray(0, Math.min(length, PREFACE.length));
    const matches = seen.equals(PREFACE.subarray(0, seen.length));
    if (matches && length < PREFACE.length) return;
    socket.off("data", onData);
    decide(matches, head);
  };
  socket.on("data", onData);
}

/**
 * Forwards one HTTP/2 stream as an HTTP/1.1 request and streams the answer back.
 *
 * @param {http2.ServerHttp2Stream} stream
 * @param {http2.IncomingHttpHeaders} headers
 * @param {number} upstreamPort
 * @param {http.Agent} agent
 */
function forward(stream, headers, upstreamPort, agent) {
  /** @type {Record<string, string | string[]>} */
  const outgoing = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(":") || HOP_BY_HOP.has(name) || value === undefined) continue;
    outgoing[name] = value;
  }
  outgoing.host = String(headers[":authority"] ?? "localhost");
  const request = http.request(
    {
      host: "127.0.0.1",
      port: upstreamPort,
      method: String(headers[":method"] ?? "GET"),
      path: String(headers[":path"] ?? "/"),
      headers: outgoing,
      agent,
    },
    (response) => {
      /** @type {http2.OutgoingHttpHeaders} */
      const answer = { ":status": response.statusCode ?? 502 };
      for (const [name, value] of Object.entries(response.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) answer[name] = value;
      }
      if (stream.destroyed) return response.resume();
      stream.respond(answer);
      response.pipe(stream);
    },
  );
  request.on("error", () => {
    if (!stream.headersSent && !stream.destroyed) stream.respond({ ":status": 502 });
    stream.end();
  });
  stream.on("error", () => request.destroy());
  stream.pipe(request);
}

/**
 * Runs the front on a thread of its own. Relaying allocates a buffer per read;
 * in the thread those die young in a small heap, instead of being collected
 * alongside wrangler's and Miniflare's in the main one, which under load cost
 * HTTP/1.1 about a tenth of its throughput and added stalls of tens of
 * milliseconds to the latency tail.
 *
 * @param {{ host: string; port: number; target: URL }} options
 * @returns {Promise<{ url: URL; close(): Promise<void> }>}
 */
export async function startFrontThread({ host, port, target }) {
  const thread = new Worker(new URL(import.meta.url), {
    workerData: { front: { host, port, target: target.href } },
  });
  /** @type {URL} */
  const url = await new Promise((resolve, reject) => {
    thread.once("error", reject);
    thread.once("exit", (code) => reject(new Error(`the HTTP/2 front exited with code ${code}`)));
    thread.once("message", (/** @type {{ url?: string; error?: string }} */ message) => {
      if (message.url !== undefined) resolve(new URL(message.url));
      else reject(new Error(message.error ?? "the HTTP/2 front failed"));
    });
  });
  thread.removeAllListeners();
  thread.on("error", () => {});
  return {
    url,
    async close() {
      const exited = new Promise((resolve) => thread.once("exit", resolve));
      thread.postMessage("close");
      await exited;
    },
  };
}

if (!isMainThread && workerData?.front && parentPort) {
  const port = parentPort;
  const { host, port: listenPort, target } = workerData.front;
  startFront({ host, port: listenPort, target: new URL(target) }).then(
    (front) => {
      port.postMessage({ url: front.url.href });
      port.once("message", async () => {
        await front.close();
        port.close();
      });
    },
    (error) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
