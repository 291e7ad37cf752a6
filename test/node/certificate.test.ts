/**
 * The generated TLS certificate (local/certificate.ts): what node:crypto
 * reads in it, how it is kept on disk, and whether the clients our users
 * run accept it when told to trust this one file: Node's https and http2,
 * Python's ssl (3.13+ verifies in strict mode by default), boto3, the AWS
 * CLI, curl and Java. A client the machine lacks is skipped, and the
 * test's name says so.
 */
import { execFile } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readdirSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import http2 from "node:http2";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COMMON_NAME,
  ensureCertificate,
  generateCertificate,
  normalizeHosts,
  readCertificate,
  type TlsFiles,
} from "../../local/certificate.ts";
import { integer, namedBits, oid, time } from "../../local/der.ts";
import { AWS_TOOL_ENV } from "./support/client.js";

const run = promisify(execFile);

/** What a program printed, or undefined when it is missing or fails. */
async function output(file: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(file, args, { timeout: 30_000 });
    return `${stdout}${stderr}`.trim();
  } catch {
    return undefined;
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

const root = await mkdtemp(path.join(tmpdir(), "tributary-cert-"));

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("der", () => {
  it("encodes integers in the fewest two's-complement octets", () => {
    expect(hex(integer(0n))).toBe("020100");
    expect(hex(integer(127n))).toBe("02017f");
    expect(hex(integer(128n))).toBe("02020080");
    expect(hex(integer(256n))).toBe("02020100");
    expect(hex(integer(-1n))).toBe("0201ff");
    expect(hex(integer(-129n))).toBe("0202ff7f");
  });

  it("encodes object identifiers in base 128", () => {
    expect(hex(oid("1.2.840.113549.1.1.11"))).toBe("06092a864886f70d01010b");
    expect(hex(oid("2.5.29.17"))).toBe("0603551d11");
  });

  it("drops the trailing zero bits of a named bit list", () => {
    // digitalSignature(0), keyEncipherment(2), keyCertSign(5): 101001 and 2 unused bits.
    expect(hex(namedBits([0, 2, 5]))).toBe("030202a4");
    expect(hex(namedBits([7]))).toBe("03020001");
    expect(hex(namedBits([8]))).toBe("0303070080");
  });

  it("writes UTCTime through 2049 and GeneralizedTime from 2050", () => {
    const text = (bytes: Uint8Array) => Buffer.from(bytes.subarray(2)).toString("latin1");
    const last = time(new Date("2049-12-31T23:59:59.900Z"));
    expect(last[0]).toBe(0x17);
    expect(text(last)).toBe("491231235959Z");
    const first = time(new Date("2050-01-01T00:00:00Z"));
    expect(first[0]).toBe(0x18);
    expect(text(first)).toBe("20500101000000Z");
  });
});

describe("the generated certificate", () => {
  let tls: TlsFiles & { created: boolean };
  let x509: X509Certificate;

  beforeAll(async () => {
    tls = await ensureCertificate(path.join(root, "parse"), {
      hosts: ["kinesis.test", "10.1.2.3", "[fd00::5]"],
    });
    x509 = new X509Certificate(tls.cert);
  });

  it("is self-issued, a CA, and verifies with its own public key", () => {
    expect(tls.created).toBe(true);
    expect(x509.subject).toBe(`CN=${COMMON_NAME}`);
    expect(x509.issuer).toBe(`CN=${COMMON_NAME}`);
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.ca).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
    expect(x509.publicKey.asymmetricKeyType).toBe("rsa");
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // Node names this getter keyUsage, but it reports the extended key usage.
    expect(x509.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  });

  it("names localhost, 127.0.0.1, ::1 and the given hosts", () => {
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.checkIP("::1")).toBe("::1");
    expect(x509.checkHost("kinesis.test")).toBe("kinesis.test");
    expect(x509.checkIP("10.1.2.3")).toBe("10.1.2.3");
    expect(x509.checkIP("fd00::5")).toBe("fd00::5");
    expect(x509.checkHost("example.com")).toBeUndefined();
    expect(x509.checkIP("127.0.0.2")).toBeUndefined();
  });

  it("is valid from a day ago for about ten years", () => {
    const day = 24 * 60 * 60 * 1000;
    const now = Date.now();
    expect(Math.abs(x509.validFromDate.getTime() - (now - day))).toBeLessThan(60_000);
    const years = (x509.validToDate.getTime() - now) / (365.25 * day);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
  });

  it("writes a validity past 2049 that reads back as the same instant", () => {
    const { cert } = generateCertificate(normalizeHosts(["localhost"]), new Date("2045-06-01Z"));
    const late = new X509Certificate(cert);
    expect(late.validFromDate.toISOString()).toBe("2045-05-31T00:00:00.000Z");
    expect(late.validToDate.toISOString()).toBe("2055-05-30T00:00:00.000Z");
  });

  it("keeps the key private to its owner, both files PEM, and no temp files", async () => {
    expect((await stat(tls.keyPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(tls.certPath, "utf8")).toBe(tls.cert);
    expect(await readFile(tls.keyPath, "utf8")).toBe(tls.key);
    expect(tls.cert).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(tls.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await readdir(path.dirname(tls.certPath))).sort()).toEqual(["cert.pem", "key.pem"]);
  });

  it("refuses a host that is neither an IP address nor a DNS name", () => {
    expect(() => normalizeHosts(["not a host"])).toThrow(/"not a host"/);
  });
});

describe("on disk", () => {
  it("is generated once and reused after that", async () => {
    const dir = path.join(root, "once");
    const first = await ensureCertificate(dir);
    const second = await ensureCertificate(dir);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second).toEqual({ ...first, created: false });
  });

  it("makes both files again when the key is missing", async () => {
    const dir = path.join(root, "no-key");
    const first = await ensureCertificate(dir);
    await rm(first.keyPath);
    const again = await ensureCertificate(dir);
    expect(again.created).toBe(true);
    expect(again.cert).not.toBe(first.cert);
    expect(new X509Certificate(again.cert).checkPrivateKey(createPrivateKey(again.key))).toBe(true);
  });

  it("makes both files again when the certificate is damaged or the pair mismatched", async () => {
    const dir = path.join(root, "damaged");
    const first = await ensureCertificate(dir);
    await writeFile(first.certPath, first.cert.slice(0, 200));
    const repaired = await ensureCertificate(dir);
    expect(repaired.created).toBe(true);

    const other = await ensureCertificate(path.join(root, "other"));
    await writeFile(repaired.keyPath, other.key);
    const rematched = await ensureCertificate(dir);
    expect(rematched.created).toBe(true);
    expect(rematched.key).not.toBe(other.key);
  });

  it("makes them again when asked for a host the certificate lacks", async () => {
    const dir = path.join(root, "hosts");
    await ensureCertificate(dir, { hosts: ["a.test"] });
    expect((await ensureCertificate(dir, { hosts: ["a.test"] })).created).toBe(false);
    const wider = await ensureCertificate(dir, { hosts: ["a.test", "192.168.7.7"] });
    expect(wider.created).toBe(true);
    expect(new X509Certificate(wider.cert).checkIP("192.168.7.7")).toBe("192.168.7.7");
  });
});

describe("readCertificate", () => {
  let mine: TlsFiles;
  let other: TlsFiles;

  beforeAll(async () => {
    mine = await ensureCertificate(path.join(root, "user-a"));
    other = await ensureCertificate(path.join(root, "user-b"));
  });

  /** The message an attempt fails with, checked to be one line. */
  async function refusal(certPath: string, keyPath: string): Promise<string> {
    const error: unknown = await readCertificate(certPath, keyPath).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = error instanceof Error ? error.message : "";
    expect(message).not.toContain("\n");
    return message;
  }

  it("accepts a matching pair", async () => {
    const read = await readCertificate(mine.certPath, mine.keyPath);
    const { certPath, keyPath, cert, key } = mine;
    expect(read).toEqual({ certPath, keyPath, cert, key });
  });

  it("refuses a key that does not match, naming the key file", async () => {
    const message = await refusal(mine.certPath, other.keyPath);
    expect(message).toContain(other.keyPath);
    expect(message).toMatch(/does not match/);
  });

  it("refuses a certificate that does not parse, naming it", async () => {
    const bad = path.join(root, "bad-cert.pem");
    await writeFile(bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    expect(await refusal(bad, mine.keyPath)).toContain(bad);
    expect(await refusal(mine.keyPath, mine.keyPath)).toContain(mine.keyPath);
  });

  it("refuses a key that does not parse, naming it", async () => {
    const bad = path.join(root, "bad-key.pem");
    await writeFile(bad, "not a key\n");
    const message = await refusal(mine.certPath, bad);
    expect(message).toContain(bad);
    expect(message).toMatch(/private key/);
  });

  it("refuses a missing file, naming it", async () => {
    const missing = path.join(root, "missing.pem");
    expect(await refusal(missing, mine.keyPath)).toContain(missing);
    expect(await refusal(mine.certPath, missing)).toContain(missing);
  });
});

// ---------------------------------------------------------------------------
// Real clients, each trusting only the generated certificate file.

const LIST_STREAMS = JSON.stringify({ StreamNames: [], HasMoreStreams: false });

/** The clients on this machine, found before the tests are declared so their names can say what is skipped. */
const curl = await output("curl", ["--version"]);
const java = await output("java", ["-version"]);
const awsClis = await findAwsClis();
const pythons = await findPythons();
const strictPython = pythons.find((p) => p.minor >= 13);
const boto3Python = pythons.find((p) => p.boto3 !== undefined);

interface Python {
  file: string;
  version: string;
  minor: number;
  boto3: string | undefined;
}

/** Every Python 3 on the PATH, plus pyenv's 3.13 and later, without duplicates. */
async function findPythons(): Promise<Python[]> {
  const candidates = ["python3", "python3.13", "python3.14", "/usr/bin/python3"];
  const pyenv = path.join(process.env.PYENV_ROOT ?? path.join(homedir(), ".pyenv"), "versions");
  try {
    for (const version of readdirSync(pyenv)) {
      if (/^3\.(1[3-9]|[2-9]\d)/.test(version)) {
        candidates.push(path.join(pyenv, version, "bin", "python3"));
      }
    }
  } catch {
    // No pyenv.
  }
  const found = new Map<string, Python>();
  for (const file of candidates) {
    const printed = await output(file, [
      "-c",
      "import sys, platform\ntry:\n import boto3; b = boto3.__version__\nexcept Exception:\n b = ''\nprint(platform.python_version(), sys.version_info.minor, b)",
    ]);
    const [version, minor, boto3] = printed?.split(/\s+/) ?? [];
    if (version && minor && !found.has(version)) {
      found.set(version, { file, version, minor: Number(minor), boto3: boto3 || undefined });
    }
  }
  return [...found.values()];
}

/** Debian's AWS CLI and whichever `aws` the PATH finds first, when they differ. */
async function findAwsClis(): Promise<{ file: string; version: string }[]> {
  const found = new Map<string, { file: string; version: string }>();
  for (const file of ["/usr/bin/aws", "aws"]) {
    const version = (await output(file, ["--version"]))?.split(/\s+/)[0];
    if (version && !found.has(version)) {
      found.set(version, { file, version });
    }
  }
  return [...found.values()];
}

describe("clients trusting the certificate", () => {
  let tls: TlsFiles;
  let server: https.Server;
  let h2: http2.Http2SecureServer;
  let port: number;
  let h2Port: number;

  beforeAll(async () => {
    tls = await ensureCertificate(path.join(root, "clients"));
    // The stub answers ListStreams as Kinesis would, and anything else with "ok".
    server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.headers["x-amz-target"] === "Kinesis_20131202.ListStreams") {
          res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
          res.end(LIST_STREAMS);
        } else {
          res.writeHead(200, { "content-type": "text/plain" });
          res.end("ok https");
        }
      });
    });
    h2 = http2.createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: false }, (_, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok h2");
    });
    port = await listen(server);
    h2Port = await listen(h2);
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await new Promise((resolve) => h2?.close(resolve));
  });

  function listen(s: https.Server | http2.Http2SecureServer): Promise<number> {
    return new Promise((resolve, reject) => {
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port));
    });
  }

  /** One GET with Node's https; resolves to the body or rejects with the TLS error. */
  function get(options: https.RequestOptions): Promise<string> {
    return new Promise((resolve, reject) => {
      https
        .get({ host: "127.0.0.1", port, path: "/", agent: false, ...options }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => resolve(body));
        })
        .on("error", reject);
    });
  }

  it(`Node ${process.version} https.get with ca, by IP and by name`, async () => {
    expect(await get({ ca: tls.cert })).toBe("ok https");
    expect(await get({ ca: tls.cert, servername: "localhost" })).toBe("ok https");
    // And the checks are real: without the file, or for a name it lacks, it is refused.
    await expect(get({})).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    await expect(get({ ca: tls.cert, servername: "example.com" })).rejects.toMatchObject({
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });

  it(`Node ${process.version} http2.connect with ca negotiates h2 by ALPN`, async () => {
    const session = http2.connect(`https://127.0.0.1:${h2Port}`, { ca: tls.cert });
    try {
      const { status, body } = await new Promise<{ status: unknown; body: string }>(
        (resolve, reject) => {
          session.on("error", reject);
          const req = session.request({ ":path": "/" });
          let status: unknown;
          let body = "";
          req.setEncoding("utf8");
          req.on("response", (headers) => {
            status = headers[":status"];
          });
          req.on("data", (chunk: string) => {
            body += chunk;
          });
          req.on("end", () => resolve({ status, body }));
          req.on("error", reject);
          req.end();
        },
      );
      expect(session.alpnProtocol).toBe("h2");
      expect(status).toBe(200);
      expect(body).toBe("ok h2");
    } finally {
      session.close();
    }
  });

  /**
   * Connects with Python's ssl.create_default_context(cafile=...), by IP and
   * by name, over HTTP/1.1 and with ALPN h2, and prints what it saw. With
   * "strict", it adds the flags 3.13 turns on by default, for older Pythons.
   */
  const PYTHON_CLIENT = `
import json, socket, ssl, sys
cafile, port, h2port, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
default_strict = bool(ctx.verify_flags & ssl.VERIFY_X509_STRICT)
if mode == "strict":
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
def fetch(name, p, alpn=None):
    c = ssl.create_default_context(cafile=cafile)
    c.verify_flags = ctx.verify_flags
    if alpn:
        c.set_alpn_protocols(alpn)
    with socket.create_connection(("127.0.0.1", p), timeout=20) as raw:
        with c.wrap_socket(raw, server_hostname=name) as s:
            if alpn:
                return s.selected_alpn_protocol()
            s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.split(b"\\r\\n")[0].decode()
def refused(name, context):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
            context.wrap_socket(raw, server_hostname=name).close()
        return False
    except ssl.SSLCertVerificationError:
        return True
print(json.dumps({
    "version": sys.version.split()[0],
    "openssl": ssl.OPENSSL_VERSION,
    "defaultStrict": default_strict,
    "strict": bool(ctx.verify_flags & ssl.VERIFY_X509_STRICT),
    "byIp": fetch("127.0.0.1", port),
    "byName": fetch("localhost", port),
    "alpn": fetch("127.0.0.1", h2port, ["h2"]),
    "untrustedRefused": refused("127.0.0.1", ssl.create_default_context()),
    "wrongNameRefused": refused("example.com", ctx),
}))
`;

  async function python(file: string, mode: "default" | "strict") {
    const { stdout } = await run(
      file,
      ["-c", PYTHON_CLIENT, tls.certPath, String(port), String(h2Port), mode],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  const pythonExpectations = {
    strict: true,
    byIp: "HTTP/1.1 200 OK",
    byName: "HTTP/1.1 200 OK",
    alpn: "h2",
    untrustedRefused: true,
    wrongNameRefused: true,
  };

  if (strictPython) {
    it(`Python ${strictPython.version} ssl default context (strict by default)`, async () => {
      const seen = await python(strictPython.file, "default");
      expect(seen).toMatchObject({ defaultStrict: true, ...pythonExpectations });
    });
  } else {
    it.skip("Python 3.13+ ssl default context (skipped: no Python 3.13 or later here)", () => {});
  }

  for (const py of pythons.filter((p) => p.minor < 13)) {
    it(`Python ${py.version} ssl default context, and with 3.13's strict flags added`, async () => {
      expect(await python(py.file, "default")).toMatchObject({
        ...pythonExpectations,
        strict: false,
      });
      expect(await python(py.file, "strict")).toMatchObject(pythonExpectations);
    });
  }
  if (pythons.length === 0) {
    it.skip("Python ssl (skipped: no python3 here)", () => {});
  }

  if (boto3Python) {
    it(`boto3 ${boto3Python.boto3} on Python ${boto3Python.version} with verify=<cert>`, async () => {
      const script = [
        "import json, sys, boto3",
        "c = boto3.client('kinesis', endpoint_url=sys.argv[1], verify=sys.argv[2],",
        "  region_name='us-east-1', aws_access_key_id='AKIDEXAMPLE', aws_secret_access_key='secret')",
        "r = c.list_streams()",
        "print(json.dumps({'StreamNames': r['StreamNames'], 'HasMoreStreams': r['HasMoreStreams']}))",
      ].join("\n");
      const { stdout } = await run(
        boto3Python.file,
        ["-c", script, `https://127.0.0.1:${port}`, tls.certPath],
        { timeout: 60_000 },
      );
      expect(JSON.parse(stdout)).toEqual({ StreamNames: [], HasMoreStreams: false });
    });
  } else {
    it.skip("boto3 with verify=<cert> (skipped: no Python here has boto3)", () => {});
  }

  for (const cli of awsClis) {
    it(`AWS CLI ${cli.version} kinesis list-streams with --ca-bundle`, async () => {
      const { stdout } = await run(
        cli.file,
        [
          "--endpoint-url",
          `https://127.0.0.1:${port}`,
          "--ca-bundle",
          tls.certPath,
          "--output",
          "json",
          "kinesis",
          "list-streams",
        ],
        {
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: root,
            ...AWS_TOOL_ENV,
          },
          timeout: 60_000,
        },
      );
      expect(JSON.parse(stdout)).toMatchObject({ StreamNames: [] });
    });
  }
  if (awsClis.length === 0) {
    it.skip("AWS CLI with --ca-bundle (skipped: no aws here)", () => {});
  }

  if (curl) {
    const version = curl.split(/\s+/).slice(0, 2).join(" ");
    it(`${version} --cacert, by IP, by name and over HTTP/2`, async () => {
      const fetch = async (...args: string[]) =>
        (
          await run("curl", ["--silent", "--show-error", "--cacert", tls.certPath, ...args], {
            timeout: 30_000,
          })
        ).stdout;
      expect(await fetch(`https://127.0.0.1:${port}/`)).toBe("ok https");
      expect(
        await fetch("--resolve", `localhost:${port}:127.0.0.1`, `https://localhost:${port}/`),
      ).toBe("ok https");
      const h2Out = await fetch(
        "--http2",
        "-w",
        " %{http_version}",
        `https://127.0.0.1:${h2Port}/`,
      );
      expect(h2Out).toBe("ok h2 2");
      await expect(
        run("curl", ["--silent", "--fail", `https://127.0.0.1:${port}/`], { timeout: 30_000 }),
      ).rejects.toMatchObject({ code: 60 }); // CURLE_PEER_FAILED_VERIFICATION
    });
  } else {
    it.skip("curl --cacert (skipped: curl is not installed)", () => {});
  }

  /**
   * Java's own TLS (JSSE), as the KCL and the KPL's Java side use it: a
   * trust store holding only the certificate, HTTP/1.1 by IP and by name,
   * and HTTP/2 by ALPN, with java.net.http's default hostname checks.
   */
  const JAVA_CLIENT = `
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class TrustOneFile {
  public static void main(String[] args) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (FileInputStream in = new FileInputStream(args[0])) {
      store.setCertificateEntry("tributary", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    String[] urls = { "https://127.0.0.1:" + args[1] + "/", "https://localhost:" + args[1] + "/", "https://127.0.0.1:" + args[2] + "/" };
    for (String url : urls) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      System.out.println(r.version() + " " + r.statusCode() + " " + r.body());
    }
  }
}
`;

  if (java) {
    const version = /version "([^"]+)"/.exec(java)?.[1] ?? "";
    it(`Java ${version} HttpClient trusting only the certificate, HTTP/1.1 and h2`, async () => {
      const dir = await mkdtemp(path.join(root, "java-"));
      const source = path.join(dir, "TrustOneFile.java");
      await writeFile(source, JAVA_CLIENT);
      const { stdout } = await run("java", [source, tls.certPath, String(port), String(h2Port)], {
        timeout: 60_000,
      });
      // java.net.http offers h2 by ALPN; the HTTP/1.1-only server answers with HTTP/1.1.
      expect(stdout.trim().split("\n")).toEqual([
        "HTTP_1_1 200 ok https",
        "HTTP_1_1 200 ok https",
        "HTTP_2 200 ok h2",
      ]);
    });
  } else {
    it.skip("Java HttpClient (skipped: no java here)", () => {});
  }
});
