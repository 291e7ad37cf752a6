/**
 * npm start speaks cleartext HTTP/2 (prior knowledge) and HTTP/1.1 on one
 * port: the AWS SDK for JavaScript v3 talks HTTP/2 to Kinesis by default, and
 * works here with no request-handler override, while HTTP/1.1 clients (the
 * AWS CLI, kinesalite users' code) keep working on the same endpoint.
 */
import http2 from "node:http2";
import {
  KinesisClient,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kinesisClient } from "./support/client.js";
import { createActiveStream, present, readShard } from "./support/kinesis.js";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";

let service: StartedOnFreshDirectory;
let http2Client: KinesisClient;

beforeAll(async () => {
  // Reads follow writes at once, one attempt each: limits are tested elsewhere.
  service = await startOnFreshDirectory("h2", { CREATE_STREAM_MS: "0", KINESIS_LIMITS: "off" });
  // The SDK's default configuration: its HTTP/2 handler.
  http2Client = new KinesisClient({
    endpoint: service.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  http2Client?.destroy();
  await service?.stop();
});

describe("HTTP/2 and HTTP/1.1 on one port", () => {
  it("serves the AWS SDK's default HTTP/2 client, data plane included", async () => {
    await createActiveStream(http2Client, "over-h2", 2);
    const one = await http2Client.send(
      new PutRecordCommand({
        StreamName: "over-h2",
        PartitionKey: "a",
        Data: new TextEncoder().encode("first"),
      }),
    );
    const many = await http2Client.send(
      new PutRecordsCommand({
        StreamName: "over-h2",
        Records: Array.from({ length: 50 }, (_, i) => ({
          PartitionKey: `k${i}`,
          Data: new Uint8Array(1024).fill(i),
        })),
      }),
    );
    expect(many.FailedRecordCount).toBe(0);
    const shardId = present(one.ShardId, "ShardId");
    const records = await readShard(http2Client, "over-h2", shardId);
    expect(records[0]?.SequenceNumber).toBe(one.SequenceNumber);
    expect(new TextDecoder().decode(records[0]?.Data)).toBe("first");
    const onShard = (many.Records ?? []).filter((r) => r.ShardId === shardId);
    expect(records.slice(1).map((r) => r.SequenceNumber)).toEqual(
      onShard.map((r) => r.SequenceNumber),
    );
  });

  it("serves HTTP/1.1 clients on the same endpoint, seeing the same streams", async () => {
    const http1 = kinesisClient(service.endpoint);
    try {
      const { StreamNames } = await http1.send(new ListStreamsCommand({}));
      expect(StreamNames).toContain("over-h2");
    } finally {
      http1.destroy();
    }
  });

  it("answers errors over HTTP/2 as AWS JSON with the request id", async () => {
    const session = http2.connect(service.endpoint);
    try {
      const stream = session.request({
        ":method": "POST",
        ":path": "/",
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "Kinesis_20131202.DescribeStreamSummary",
        "x-amz-date": "20261127T000000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00",
      });
      stream.end(JSON.stringify({ StreamName: "missing" }));
      const [headers, body] = await new Promise<[http2.IncomingHttpHeaders, string]>(
        (resolve, reject) => {
          let head: http2.IncomingHttpHeaders = {};
          let text = "";
          stream.on("response", (h) => {
            head = h;
          });
          stream.setEncoding("utf8");
          stream.on("data", (chunk: string) => {
            text += chunk;
          });
          stream.on("end", () => resolve([head, text]));
          stream.on("error", reject);
        },
      );
      expect(headers[":status"]).toBe(400);
      expect(typeof headers["x-amzn-requestid"]).toBe("string");
      expect(JSON.parse(body)).toEqual({
        __type: "ResourceNotFoundException",
        message: "Stream missing under account 000000000000 not found.",
      });
    } finally {
      session.close();
    }
  });
});
