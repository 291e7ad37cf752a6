/**
 * The HTTP front (local/front.ts): what a client of the local service sees of
 * it, against a stub Worker (a small node:http server), and through the real
 * service for the answers the Worker itself gives.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Front, type FrontOptions, startFront } from "../../local/front.ts";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";
import { waitFor } from "./support/wait.js";

const REFUSAL = "<RequestEntityTooLarge/>\n";

/**
 * A stand-in for workerd: echoes what it read, and on /refuse answers 413
 * without reading the body and closes, as workerd does when the Worker refuses
 * a body over its limit. Like workerd, it sends 100 Continue only when it reads.
 */
let stub: http.Server;
let stubUrl: URL;

beforeAll(async () => {
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === "/refuse") {
      res.writeHead(413, { connection: "close" });
      res.end(REFUSAL);
      return;
    }
    if ("expect" in req.headers) res.writeContinue();
    let length = 0;
    req.on("data", (chunk: Buffer) => {
      length += chunk.length;
    });
    req.on("end", () => res.end(`${req.method} ${req.url} ${length}`));
  };
  stub = http.createServer(handle);
  stub.on("checkContinue", handle);
  await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  const address = stub.address();
  if (address === null || typeof address === "string") throw new Error("the stub has no port");
  stubUrl = new URL(`http://127.0.0.1:${address.port}`);
});

afterAll(async () => {
  stub.closeAllConnections();
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

const fronts: Front[] = [];
afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
});

async function front(options: Partial<FrontOptions> = {}): Promise<Front> {
  const started = await startFront({ host: "127.0.0.1", port: 0, target: stubUrl, ...options });
  fronts.push(started);
  return started;
}

interface Answer {
  status: number | string;
  body: string;
}

/** An HTTP/1.1 request whose body of `bytes` is written in 1 MiB chunks, reading the answer as it comes. */
function upload1(
  url: URL,
  pathname: string,
  bytes: number,
  headers: http.OutgoingHttpHeaders = {},
) {
  return new Promise<Answer>((resolve) => {
    const req = http.request(
      new URL(pathname, url),
      { method: "POST", agent: false, headers: { ...headers, "content-length": bytes } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", (error) => resolve({ status: errorCode(error), body: "" }));
    writeChunks(req, bytes);
  });
}

/** The same over HTTP/2; resolves once the stream is closed, with how it was closed. */
function upload2(
  session: http2.ClientHttp2Session,
  pathname: string,
  bytes: number,
  headers: http2.OutgoingHttpHeaders = {},
) {
  return new Promise<Answer & { rstCode: number }>((resolve) => {
    const stream = session.request({
      ...headers,
      ":method": "POST",
      ":path": pathname,
      "content-length": bytes,
    });
    let status = 0;
    let body = "";
    stream.on("response", (headers) => {
      status = Number(headers[":status"]);
    });
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      body += chunk;
    });
    stream.on("error", () => {});
    stream.on("close", () => resolve({ status, body, rstCode: stream.rstCode ?? -1 }));
    writeChunks(stream, bytes);
  });
}

function writeChunks(sink: NodeJS.WritableStream & { destroyed: boolean }, bytes: number): void {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  let sent = 0;
  const write = () => {
    while (sent < bytes && !sink.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += part.length;
      if (!sink.write(part)) {
        sink.once("drain", write);
        return;
      }
    }
    if (!sink.destroyed) sink.end();
  };
  write();
}

function errorCode(error: Error): string {
  return "code" in error ? String(error.code) : error.message;
}

/** Sends raw bytes on a new connection; resolves with all the server sent before it closed. */
function raw(url: URL, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      got += chunk;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(got));
    socket.write(bytes);
  });
}

function connect2(url: URL, options: http2.SecureClientSessionOptions = {}) {
  const session = http2.connect(url, options);
  session.on("error", () => {});
  return session;
}

function request2(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders) {
  return new Promise<Answer>((resolve, reject) => {
    const stream = session.request(headers);
    let status = 0;
    let body = "";
    stream.on("response", (h) => {
      status = Number(h[":status"]);
    });
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      body += chunk;
    });
    stream.on("end", () => resolve({ status, body }));
    stream.on("error", reject);
    stream.end();
  });
}

describe("the front forwards both protocols to the Worker", () => {
  it("passes HTTP/1.1 and HTTP/2 requests through, bodies and all", async () => {
    const { url } = await front();
    expect(await upload1(url, "/echo", 3 * 1024 * 1024)).toEqual({
      status: 200,
      body: `POST /echo ${3 * 1024 * 1024}`,
    });
    const session = connect2(url);
    try {
      expect(await upload2(session, "/echo", 10)).toMatchObject({
        status: 200,
        body: "POST /echo 10",
      });
    } finally {
      session.close();
    }
  });
});

describe("an answer given while the client is still uploading", () => {
  it("reaches an HTTP/1.1 client, which then finds the connection closed", async () => {
    const { url } = await front();
    for (let i = 0; i < 3; i++) {
      expect(await upload1(url, "/refuse", 64 * 1024 * 1024)).toEqual({
        status: 413,
        body: REFUSAL,
      });
    }
  });

  it("reaches an HTTP/2 client, whose stream is then reset with NO_ERROR", async () => {
    const { url } = await front();
    const session = connect2(url);
    try {
      for (let i = 0; i < 3; i++) {
        expect(await upload2(session, "/refuse", 64 * 1024 * 1024)).toEqual({
          status: 413,
          body: REFUSAL,
          rstCode: http2.constants.NGHTTP2_NO_ERROR,
        });
      }
      // The session carries on.
      expect(await upload2(session, "/echo", 5)).toMatchObject({ status: 200 });
    } finally {
      session.close();
    }
  });

  it("stops reading what the client sends on after the drain's byte limit", async () => {
    const { url } = await front({ limits: { drainMaxBytes: 1024 * 1024 } });
    const answer = await upload1(url, "/refuse", 512 * 1024 * 1024);
    // The answer may or may not be read before the reset; the upload is cut short either way.
    expect([413, "ECONNRESET", "EPIPE"]).toContain(answer.status);
  });
});

describe("connections the front does not keep", () => {
  it("closes a connection that sends nothing once the idle timeout passes", async () => {
    const { url } = await front({ limits: { idleTimeoutMs: 150 } });
    const opened = Date.now();
    expect(await raw(url, "")).toBe("");
    expect(Date.now() - opened).toBeGreaterThanOrEqual(140);
  });

  it("closes a connection that sent half a request and then nothing", async () => {
    const { url } = await front({ limits: { idleTimeoutMs: 150 } });
    expect(await raw(url, "POST / HTTP/1.1\r\nHost: x\r\n")).toBe("");
  });

  it("closes a connection over the cap at once, and takes new ones once there is room", async () => {
    const { url } = await front({ limits: { maxConnections: 2 } });
    const held = [
      net.connect(Number(url.port), url.hostname),
      net.connect(Number(url.port), url.hostname),
    ];
    try {
      // Both held connections are in: a request on one of them is served.
      const first = held[0];
      if (!first) throw new Error("no connection");
      const served = new Promise<string>((resolve) => {
        first.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8")));
      });
      first.write("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await served).toContain("200 OK");
      await waitFor(async () => (held[1]?.readyState === "open" ? true : undefined), {
        timeoutMs: 2_000,
        intervalMs: 5,
      });
      expect(await raw(url, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("");
    } finally {
      for (const socket of held) socket.destroy();
    }
    const answer = await waitFor(
      async () => {
        const got = await raw(url, "GET /again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        return got === "" ? undefined : got;
      },
      { timeoutMs: 2_000, intervalMs: 10 },
    );
    expect(answer).toContain("GET /again 0");
  });
});

describe("methods the Worker does not serve", () => {
  const ACCESS_DENIED = "<AccessDeniedException>";

  it("answers an unknown method with 403 AccessDeniedException over HTTP/1.1", async () => {
    const { url } = await front();
    const answer = await raw(url, "FOO / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain(ACCESS_DENIED);
    // A method Node's parser knows but workerd does not is answered the same way.
    const known = await raw(url, "PROPFIND / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(known).toMatch(/^HTTP\/1\.1 403 /);
  });

  it("answers an unknown method with 403 AccessDeniedException over HTTP/2", async () => {
    const { url } = await front();
    const session = connect2(url);
    try {
      const answer = await request2(session, { ":method": "FOO", ":path": "/" });
      expect(answer.status).toBe(403);
      expect(answer.body).toContain(ACCESS_DENIED);
    } finally {
      session.close();
    }
  });
});

const OPENSSL = "/usr/bin/openssl";

describe.skipIf(!existsSync(OPENSSL))("TLS (self-signed with openssl)", () => {
  let cert: string;
  let key: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "front-tls-"));
    const certPath = path.join(dir, "cert.pem");
    const keyPath = path.join(dir, "key.pem");
    execFileSync(
      OPENSSL,
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        keyPath,
        "-out",
        certPath,
      ],
      { stdio: "ignore" },
    );
    [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves HTTP/2 negotiated by ALPN over TLS", async () => {
    const { url } = await front({ tls: { cert, key } });
    expect(url.protocol).toBe("https:");
    const session = connect2(url, { ca: cert });
    try {
      expect(await request2(session, { ":method": "GET", ":path": "/tls" })).toEqual({
        status: 200,
        body: "GET /tls 0",
      });
      expect(session.alpnProtocol).toBe("h2");
    } finally {
      session.close();
    }
  });

  it("serves HTTP/1.1 over TLS", async () => {
    const { url } = await front({ tls: { cert, key } });
    const answer = await new Promise<Answer>((resolve, reject) => {
      https
        .get(new URL("/tls1", url), { ca: cert }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on("error", reject);
    });
    expect(answer).toEqual({ status: 200, body: "GET /tls1 0" });
  });

  it("keeps its limits over TLS: the 413 reaches the client, silence is closed", async () => {
    const { url } = await front({ tls: { cert, key }, limits: { idleTimeoutMs: 150 } });
    const session = connect2(url, { ca: cert });
    try {
      expect(await upload2(session, "/refuse", 32 * 1024 * 1024)).toMatchObject({
        status: 413,
        body: REFUSAL,
      });
    } finally {
      session.close();
    }
    expect(await raw(url, "")).toBe("");
  });
});

describe("through the real service", () => {
  let service: StartedOnFreshDirectory;

  beforeAll(async () => {
    service = await startOnFreshDirectory("front");
  });

  afterAll(async () => {
    await service?.stop();
  });

  it("a 100 MB body gets the Worker's 413 over HTTP/1.1 and HTTP/2", async () => {
    const url = new URL(service.endpoint);
    const bytes = 100 * 1024 * 1024;
    const kinesis = {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "Kinesis_20131202.PutRecords",
    };
    expect((await upload1(url, "/", bytes, kinesis)).status).toBe(413);
    const session = connect2(url);
    try {
      expect((await upload2(session, "/", bytes, kinesis)).status).toBe(413);
    } finally {
      session.close();
    }
  });

  it("an unknown method gets a 403 AccessDeniedException, as GET does", async () => {
    const url = new URL(service.endpoint);
    const unknown = await raw(url, "FOO / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const get = await raw(url, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(unknown).toMatch(/^HTTP\/1\.1 403 /);
    expect(get).toMatch(/^HTTP\/1\.1 403 /);
    const body = (answer: string) => answer.slice(answer.indexOf("\r\n\r\n") + 4);
    expect(body(unknown)).toBe(body(get));
  });
});
