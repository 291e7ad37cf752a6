/**
 * TLS=on (`--tls`): HTTPS on the service's port, HTTP/2 and HTTP/1.1 by ALPN,
 * with a self-signed certificate made once into the data directory, which
 * clients are told to trust; or the user's own certificate.
 */
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http2 from "node:http2";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCertificate } from "../../local/certificate.ts";
import { AWS_TOOL_ENV } from "./support/client.js";
import {
  START_SCRIPT,
  type StartedOnFreshDirectory,
  spawnStart,
  startOnFreshDirectory,
  stopService,
} from "./support/process.js";
import { projectRoot } from "./support/service.js";

const run = promisify(execFile);

let service: StartedOnFreshDirectory;
let certPath: string;
let ca: string;

beforeAll(async () => {
  service = await startOnFreshDirectory("tls", { CREATE_STREAM_MS: "0" }, ["--tls"]);
  certPath = path.join(service.dataDir, "tls", "cert.pem");
  ca = await readFile(certPath, "utf8");
});

afterAll(async () => {
  await service?.stop();
});

/** GET /health over HTTPS and HTTP/1.1, trusting only the service's certificate. */
function healthOverHttps(
  endpoint: string,
  trusted: string,
): Promise<{ status: number; alpn: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      new URL("/health", endpoint),
      { agent: new https.Agent({ ca: trusted, ALPNProtocols: ["http/1.1"] }) },
      (response) => {
        response.resume();
        const socket = response.socket;
        const alpn = "alpnProtocol" in socket ? String(socket.alpnProtocol) : "";
        response.on("end", () => resolve({ status: response.statusCode ?? 0, alpn }));
      },
    );
    request.on("error", reject);
  });
}

describe("--tls", () => {
  it("serves HTTPS at the URL it prints, with the certificate made in the data directory", async () => {
    expect(service.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(service.output()).toContain(`TLS: clients trust ${certPath}`);
    const certificate = new X509Certificate(ca);
    expect(certificate.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(certificate.subjectAltName).toContain("DNS:localhost");
    const answer = await healthOverHttps(service.endpoint, ca);
    expect(answer).toEqual({ status: 200, alpn: "http/1.1" });
  });

  it("refuses clients that do not trust the certificate", async () => {
    const { cert } = generateCertificate([]);
    await expect(healthOverHttps(service.endpoint, cert)).rejects.toThrow(
      /self.signed|certificate/i,
    );
  });

  it("speaks HTTP/2 when ALPN asks for it, as the KCL and the SDKs do", async () => {
    const session = http2.connect(service.endpoint, { ca });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/",
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "Kinesis_20131202.ListStreams",
          "x-amz-date": "20261202T000000Z",
          authorization:
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0",
        });
        stream.on("response", (headers) => resolve(Number(headers[":status"])));
        stream.on("error", reject);
        stream.resume();
        stream.end("{}");
      });
      expect(status).toBe(200);
      expect(session.alpnProtocol).toBe("h2");
    } finally {
      session.close();
    }
  });

  it("serves the AWS SDK for JavaScript's default HTTP/2 client trusting it by NODE_EXTRA_CA_CERTS", async () => {
    const script = `
      import { KinesisClient, CreateStreamCommand, ListStreamsCommand } from "@aws-sdk/client-kinesis";
      const client = new KinesisClient({ endpoint: process.env.ENDPOINT, maxAttempts: 1 });
      await client.send(new CreateStreamCommand({ StreamName: "over-tls", ShardCount: 1 }));
      const listed = await client.send(new ListStreamsCommand({}));
      console.log(JSON.stringify(listed.StreamNames));
      client.destroy();`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...AWS_TOOL_ENV,
        ENDPOINT: service.endpoint,
        NODE_EXTRA_CA_CERTS: certPath,
      },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toContain("over-tls");
  });

  it.skipIf(!existsSync("/usr/bin/aws"))(
    "serves the AWS CLI with --ca-bundle, as the README shows",
    async () => {
      const home = await mkdtemp(path.join(tmpdir(), "tributary-tls-cli-"));
      try {
        const { stdout } = await run(
          "/usr/bin/aws",
          ["kinesis", "list-streams", "--endpoint-url", service.endpoint, "--ca-bundle", certPath],
          {
            env: {
              PATH: process.env.PATH ?? "/usr/bin:/bin",
              HOME: home,
              ...AWS_TOOL_ENV,
            },
            timeout: 60_000,
          },
        );
        expect(JSON.parse(stdout)).toMatchObject({
          StreamNames: expect.arrayContaining(["over-tls"]),
        });
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
  );

  it("reuses the certificate it made on the next start", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "tributary-tls-again-"));
    try {
      const first = await spawnStart({ dataDir, args: ["--tls"] });
      const made = await readFile(path.join(dataDir, "tls", "cert.pem"), "utf8");
      await stopService(first);
      const second = await spawnStart({ dataDir, args: ["--tls"] });
      try {
        expect(await readFile(path.join(dataDir, "tls", "cert.pem"), "utf8")).toBe(made);
        expect((await healthOverHttps(second.endpoint, made)).status).toBe(200);
      } finally {
        await stopService(second);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("TLS_CERT and TLS_KEY", () => {
  it("refuses a key that is not the certificate's, in one line naming the files", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tributary-tls-own-"));
    try {
      const one = generateCertificate([]);
      const other = generateCertificate([]);
      const { writeFile } = await import("node:fs/promises");
      await writeFile(path.join(dir, "cert.pem"), one.cert);
      await writeFile(path.join(dir, "key.pem"), other.key);
      const outcome = await run(
        process.execPath,
        [START_SCRIPT, "--port", "0", "--data-dir", path.join(dir, "data")],
        {
          env: {
            ...process.env,
            TLS_CERT: path.join(dir, "cert.pem"),
            TLS_KEY: path.join(dir, "key.pem"),
          },
          timeout: 60_000,
        },
      ).then(
        () => ({ code: 0, stderr: "" }),
        (error: unknown) => ({
          code: error instanceof Error && "code" in error ? Number(error.code) : -1,
          stderr: error instanceof Error && "stderr" in error ? String(error.stderr) : "",
        }),
      );
      expect(outcome.code).toBe(1);
      const lines = outcome.stderr.split("\n").filter((line) => line !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tributary: .*key\.pem.*cert\.pem/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
