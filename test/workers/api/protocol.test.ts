/**
 * The front door, before any operation runs: method, content type, target,
 * body, authentication, and the headers every answer carries. AWS checks in
 * that order, so each case below fails at exactly one step.
 */

import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../../worker/app.js";
import {
  type Answer,
  AUTH,
  answerOf,
  call,
  createStream,
  expectError,
  expectFailure,
  freshRegion,
  ok,
  UUID,
  uniqueName,
} from "../support/kinesis.js";
import { dispatch, itInside } from "../support/transport.js";

const JSON_TYPE = "application/x-amz-json-1.1";
const TARGET = "Kinesis_20131202.ListStreams";
const SIGNED = { authorization: AUTH, "x-amz-date": "20261127T000000Z" };

/** A raw request to the service, with nothing added. */
async function send(
  init: { method?: string; headers?: Record<string, string>; body?: BodyInit | null },
  path = "/",
): Promise<Answer> {
  const res = await dispatch(path, {
    method: init.method ?? "POST",
    headers: init.headers ?? {},
    body: init.body ?? null,
  });
  return answerOf(res);
}

const ACCESS_DENIED_XML =
  "<AccessDeniedException>\n" +
  "  <Message>Unable to determine service/operation name to be authorized</Message>\n" +
  "</AccessDeniedException>\n";

function expectXml(answer: Answer, status: number, text: string): void {
  expect({ status: answer.status, text: answer.text }).toEqual({ status, text });
  expect(answer.headers.get("x-amzn-RequestId")).toMatch(UUID);
}

describe("protocol", () => {
  describe("method and content type", () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      it(`answers ${method} with AccessDeniedException in XML`, async () => {
        const answer = await send({
          method,
          headers: { ...SIGNED, "content-type": JSON_TYPE, "x-amz-target": TARGET },
        });
        expectXml(answer, 403, ACCESS_DENIED_XML);
      });
    }

    it("answers a POST with neither content type nor target with AccessDeniedException", async () => {
      expectXml(await send({ headers: SIGNED, body: "{}" }), 403, ACCESS_DENIED_XML);
    });

    it("answers an unknown content type without a target with AccessDeniedException", async () => {
      const answer = await send({
        headers: { ...SIGNED, "content-type": "text/plain" },
        body: "{}",
      });
      expectXml(answer, 403, ACCESS_DENIED_XML);
    });

    it("answers an unknown content type with a target with a bare UnknownOperationException (404)", async () => {
      for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
        const answer = await send({
          headers: { ...SIGNED, "content-type": type, "x-amz-target": TARGET },
          body: "{}",
        });
        expectXml(answer, 404, "<UnknownOperationException/>\n");
      }
    });

    it("answers no content type with a target with a bare UnknownOperationException (404)", async () => {
      const answer = await send({ headers: { ...SIGNED, "x-amz-target": TARGET }, body: "{}" });
      expectXml(answer, 404, "<UnknownOperationException/>\n");
    });

    it("accepts the content type with parameters and in any case", async () => {
      for (const type of [`${JSON_TYPE}; charset=utf-8`, "Application/X-Amz-Json-1.1"]) {
        const answer = await send({
          headers: { ...SIGNED, "content-type": type, "x-amz-target": TARGET },
          body: "{}",
        });
        expect(answer.status).toBe(200);
      }
    });
  });

  describe("serialization of the body", () => {
    const headers = { ...SIGNED, "content-type": JSON_TYPE, "x-amz-target": TARGET };

    it("answers an empty body with a bare SerializationException", async () => {
      const answer = await send({ headers });
      expectFailure(answer, "SerializationException", undefined);
      expect(answer.text).toBe('{"__type":"SerializationException"}');
      expect(answer.headers.get("content-type")).toBe(JSON_TYPE);
    });

    it("answers malformed JSON with SerializationException", async () => {
      for (const body of ["hello", '{"StreamName":', "{'a': 1}", "{} {}", "\u0000"]) {
        expectFailure(await send({ headers, body }), "SerializationException", undefined);
      }
    });

    it("answers a body that is not UTF-8 with SerializationException", async () => {
      const body = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      expectFailure(await send({ headers, body }), "SerializationException", undefined);
    });

    it("answers JSON that is not an object with SerializationException", async () => {
      for (const body of ["[]", "[{}]", '"ListStreams"', "5", "null", "true"]) {
        expectFailure(await send({ headers, body }), "SerializationException", undefined);
      }
    });

    it("answers an empty body with an unknown target with UnknownOperationException", async () => {
      const answer = await send({
        headers: { ...headers, "x-amz-target": "Kinesis_20131202.ListStream" },
      });
      expectFailure(answer, "UnknownOperationException", undefined);
    });
  });

  describe("target", () => {
    const unknown = [
      "Kinesis_20131202.ListStream",
      "Kinesis_20131202.liststreams",
      "Kinesis_20131202.",
      "Kinesis_20131201.ListStreams",
      "DynamoDB_20120810.ListTables",
      "ListStreams",
      "Kinesis_20131202.ListStreams.Extra",
    ];
    for (const target of unknown) {
      it(`answers X-Amz-Target ${JSON.stringify(target)} with UnknownOperationException`, async () => {
        const answer = await send({
          headers: { ...SIGNED, "content-type": JSON_TYPE, "x-amz-target": target },
          body: "{}",
        });
        expectFailure(answer, "UnknownOperationException", undefined);
        expect(answer.text).toBe('{"__type":"UnknownOperationException"}');
      });
    }

    it("ignores the path", async () => {
      const answer = await send(
        { headers: { ...SIGNED, "content-type": JSON_TYPE, "x-amz-target": TARGET }, body: "{}" },
        "/some/where/else",
      );
      expect(answer.status).toBe(200);
      expect(Array.isArray(answer.body.StreamNames)).toBe(true);
    });
  });

  describe("authentication", () => {
    const base = { "content-type": JSON_TYPE, "x-amz-target": TARGET };

    it("answers a request without credentials with MissingAuthenticationTokenException", async () => {
      const answer = await send({
        headers: { ...base, "x-amz-date": "20261127T000000Z" },
        body: "{}",
      });
      expectFailure(answer, "MissingAuthenticationTokenException", "Missing Authentication Token");
    });

    it("checks the body before the credentials", async () => {
      expectFailure(await send({ headers: base }), "SerializationException", undefined);
      expectFailure(
        await send({ headers: base, body: "hello" }),
        "SerializationException",
        undefined,
      );
      const unknown = await send({
        headers: { ...base, "x-amz-target": "Kinesis_20131202.Nope" },
        body: "{}",
      });
      expectFailure(unknown, "UnknownOperationException", undefined);
    });

    it("checks the credentials before validating the input", async () => {
      const answer = await send({
        headers: { ...base, "x-amz-target": "Kinesis_20131202.DescribeStream" },
        body: '{"StreamName":""}',
      });
      expectFailure(answer, "MissingAuthenticationTokenException", "Missing Authentication Token");
    });

    it("lists every part an Authorization header lacks", async () => {
      const answer = await send({ headers: { ...base, authorization: "X" }, body: "{}" });
      expectFailure(
        answer,
        "IncompleteSignatureException",
        "Authorization header requires 'Credential' parameter. " +
          "Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. " +
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
          "Authorization=X",
      );
    });

    for (const header of [
      "AWS4- Signature=b Credential=a",
      "AWS4- Signature=b,Credential=a",
      "AWS4- Signature=b, Credential=a",
    ]) {
      it(`answers ${JSON.stringify(header)} with the missing SignedHeaders`, async () => {
        const answer = await send({
          headers: { ...base, authorization: header, date: "a" },
          body: "{}",
        });
        expectFailure(
          answer,
          "IncompleteSignatureException",
          `Authorization header requires 'SignedHeaders' parameter. Authorization=${header}`,
        );
      });
    }

    it("requires an X-Amz-Date or a Date header", async () => {
      const answer = await send({ headers: { ...base, authorization: AUTH }, body: "{}" });
      expectFailure(
        answer,
        "IncompleteSignatureException",
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
          `Authorization=${AUTH}`,
      );
      const withDate = await send({
        headers: { ...base, authorization: AUTH, date: "Fri, 27 Nov 2026 00:00:00 GMT" },
        body: "{}",
      });
      expect(withDate.status).toBe(200);
    });

    it("lists every part query-string credentials lack", async () => {
      const answer = await send({ headers: base, body: "{}" }, "/?X-Amz-Algorithm");
      expectFailure(
        answer,
        "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-Algorithm'. " +
          "AWS query-string parameters must include 'X-Amz-Credential'. " +
          "AWS query-string parameters must include 'X-Amz-Signature'. " +
          "AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
          "AWS query-string parameters must include 'X-Amz-Date'. " +
          "Re-examine the query-string parameters.",
      );
      const one = await send(
        { headers: base, body: "{}" },
        "/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d",
      );
      expectFailure(
        one,
        "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
      );
    });

    it("answers query-string parameters without X-Amz-Algorithm as missing credentials", async () => {
      const answer = await send(
        { headers: base, body: "{}" },
        "/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d",
      );
      expectFailure(answer, "MissingAuthenticationTokenException", "Missing Authentication Token");
    });

    it("refuses credentials in both the header and the query string", async () => {
      const answer = await send(
        { headers: { ...base, authorization: "X" }, body: "{}" },
        "/?X-Amz-Algorithm",
      );
      expectFailure(
        answer,
        "InvalidSignatureException",
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      );
    });

    it("takes the region from query-string credentials", async () => {
      const region = freshRegion("qs");
      const name = uniqueName("query");
      const query =
        `/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261127%2F${region}%2Fkinesis%2Faws4_request` +
        "&X-Amz-Signature=00&X-Amz-SignedHeaders=host&X-Amz-Date=20261127T000000Z";
      const created = await send(
        {
          headers: { "content-type": JSON_TYPE, "x-amz-target": "Kinesis_20131202.CreateStream" },
          body: JSON.stringify({ StreamName: name, ShardCount: 1 }),
        },
        query,
      );
      expect(created.status).toBe(200);
      const listed = await ok("ListStreams", {}, region);
      expect(listed.StreamNames).toEqual([name]);
    });
  });

  describe("headers", () => {
    it("gives every success a request id and the JSON content type", async () => {
      const first = await call("ListStreams", {});
      const second = await call("ListStreams", {});
      expect(first.status).toBe(200);
      expect(first.headers.get("x-amzn-RequestId")).toMatch(UUID);
      expect(second.headers.get("x-amzn-RequestId")).toMatch(UUID);
      expect(first.headers.get("x-amzn-RequestId")).not.toBe(
        second.headers.get("x-amzn-RequestId"),
      );
      expect(first.headers.get("content-type")).toBe(JSON_TYPE);
      expect(first.headers.get("x-amzn-ErrorType")).toBeNull();
    });

    it("gives every error a request id and its type in x-amzn-ErrorType", async () => {
      const name = uniqueName("missing");
      const answer = await call("DescribeStream", { StreamName: name });
      expectFailure(
        answer,
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
      expect(answer.headers.get("content-type")).toBe(JSON_TYPE);
    });
  });

  describe("regions", () => {
    it("refuses a credential scope whose region is not shaped like one", async () => {
      for (const region of ["not", "US-EAST-1", "us-east", "us_east_1", "x".repeat(40)]) {
        const answer = await call("ListStreams", {}, { region });
        expect({ region, status: answer.status, body: answer.body }).toEqual({
          region,
          status: 400,
          body: {
            __type: "InvalidSignatureException",
            message: "Credential should be scoped to a valid region. ",
          },
        });
      }
    });

    it("keeps the streams of one region invisible from another", async () => {
      const west = uniqueName("west");
      const east = uniqueName("east");
      await createStream(west, 1, "us-west-2");
      await createStream(east, 1);

      const inEast = await ok("ListStreams", { Limit: 10000 });
      const inWest = await ok("ListStreams", { Limit: 10000 }, "us-west-2");
      expect(inEast.StreamNames).toContain(east);
      expect(inEast.StreamNames).not.toContain(west);
      expect(inWest.StreamNames).toContain(west);
      expect(inWest.StreamNames).not.toContain(east);

      await expectError(
        "DescribeStream",
        { StreamName: west },
        "ResourceNotFoundException",
        `Stream ${west} under account 000000000000 not found.`,
      );
      await expectError(
        "DescribeStream",
        { StreamName: east },
        "ResourceNotFoundException",
        `Stream ${east} under account 000000000000 not found.`,
        { region: "us-west-2" },
      );
      const described = await ok("DescribeStreamSummary", { StreamName: west }, "us-west-2");
      expect(described.StreamDescriptionSummary).toMatchObject({
        StreamName: west,
        StreamARN: `arn:aws:kinesis:us-west-2:000000000000:stream/${west}`,
      });
    });

    it("lets two regions hold streams of the same name independently", async () => {
      const name = uniqueName("twin");
      await createStream(name, 1, "us-west-2");
      await createStream(name, 2);
      const west = await ok("ListShards", { StreamName: name }, "us-west-2");
      const east = await ok("ListShards", { StreamName: name });
      expect(west.Shards).toHaveLength(1);
      expect(east.Shards).toHaveLength(2);
    });
  });

  describe("CORS", () => {
    it("answers a preflight with what it asks for", async () => {
      const answer = await send({
        method: "OPTIONS",
        headers: {
          origin: "https://console.example",
          "access-control-request-headers": "content-type, x-amz-target, authorization",
          "access-control-request-method": "POST",
        },
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe("");
      expect(answer.headers.get("access-control-allow-origin")).toBe("*");
      expect(answer.headers.get("access-control-allow-headers")).toBe(
        "content-type, x-amz-target, authorization",
      );
      expect(answer.headers.get("access-control-allow-methods")).toBe("POST");
      expect(answer.headers.get("access-control-max-age")).toBe("172800");
      expect(answer.headers.get("x-amzn-RequestId")).toMatch(UUID);
    });

    it("answers a preflight that asks for nothing with the origin only", async () => {
      const answer = await send({ method: "OPTIONS", headers: { origin: "https://x.example" } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("access-control-allow-origin")).toBe("*");
      expect(answer.headers.get("access-control-allow-headers")).toBeNull();
      expect(answer.headers.get("access-control-allow-methods")).toBeNull();
    });

    it("answers OPTIONS without an Origin as any other method", async () => {
      expectXml(await send({ method: "OPTIONS", headers: SIGNED }), 403, ACCESS_DENIED_XML);
    });

    it("lets a browser read the request id and error headers of answers", async () => {
      const success = await call("ListStreams", {}, { headers: { origin: "https://x.example" } });
      expect(success.status).toBe(200);
      expect(success.headers.get("access-control-allow-origin")).toBe("*");
      const exposed = (success.headers.get("access-control-expose-headers") ?? "").split(",");
      expect(exposed).toEqual(expect.arrayContaining(["x-amzn-RequestId", "x-amzn-ErrorType"]));

      const failure = await call(
        "DescribeStream",
        { StreamName: "" },
        { headers: { origin: "https://x.example" } },
      );
      expect(failure.status).toBe(400);
      expect(failure.headers.get("access-control-allow-origin")).toBe("*");
    });
  });

  describe("body size", () => {
    const headers = { ...SIGNED, "content-type": JSON_TYPE, "x-amz-target": TARGET };

    // A declared length the body does not have can be sent only in process:
    // fetch over HTTP writes the body's own length (test/node/fuzz.test.ts
    // sends such requests on raw sockets).
    itInside(
      "refuses a body declared larger than the limit with 413, without reading it",
      async () => {
        const answer = await send({
          headers: { ...headers, "content-length": String(MAX_BODY_BYTES + 1) },
          body: "{}",
        });
        expect(answer.status).toBe(413);
        expect(answer.headers.get("x-amzn-RequestId")).toMatch(UUID);
      },
    );

    it("stops reading a streamed body once it passes the limit, with 413", async () => {
      const chunk = new Uint8Array(1024 * 1024).fill(0x20);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > MAX_BODY_BYTES) {
            controller.close();
            return;
          }
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const answer = await send({ headers, body });
      expect(answer.status).toBe(413);
      expect(answer.headers.get("x-amzn-RequestId")).toMatch(UUID);
    });
  });

  describe("robustness", () => {
    // DeleteStream last: it removes the stream the others use.
    const operations = [
      "CreateStream",
      "DescribeStream",
      "DescribeStreamSummary",
      "ListStreams",
      "ListShards",
      "PutRecord",
      "PutRecords",
      "GetShardIterator",
      "GetRecords",
      "DeleteStream",
    ];

    it("answers no odd input with a server error", async () => {
      const name = uniqueName("odd");
      await createStream(name, 2);
      const odd: unknown[] = [
        {},
        { StreamName: name },
        { StreamName: name, ShardCount: 1e300, Limit: 1e300, MaxResults: -1e300 },
        { StreamName: name, Limit: 2.5, ExclusiveStartShardId: "shardId-999999999999999" },
        { StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}` },
        { StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/a/b" },
        { StreamARN: "arn:aws-cn:kinesis:cn-north-1:000000000000:stream/x", StreamName: "x" },
        { StreamName: name, Records: [null], Data: "", PartitionKey: "a" },
        { StreamName: name, Records: [{}, { Data: null, PartitionKey: null }] },
        {
          StreamName: name,
          Records: [{ Data: "", PartitionKey: "a", ExplicitHashKey: "9".repeat(39) }],
        },
        { StreamName: name, Data: "", PartitionKey: "\u{1F600}".repeat(256) },
        {
          StreamName: name,
          ShardId: "shardId-000000000000",
          ShardIteratorType: "AT_TIMESTAMP",
          Timestamp: 1e300,
        },
        {
          StreamName: name,
          ShardId: "shardId-000000000000",
          ShardIteratorType: "AT_TIMESTAMP",
          Timestamp: -1e300,
        },
        { StreamName: name, ShardId: "99999999999", ShardIteratorType: "LATEST" },
        {
          StreamName: name,
          ShardId: "shardId-000000000000",
          ShardIteratorType: "AFTER_SEQUENCE_NUMBER",
          StartingSequenceNumber: "9".repeat(129),
        },
        {
          StreamName: name,
          ShardId: "shardId-000000000000",
          ShardIteratorType: "AFTER_SEQUENCE_NUMBER",
          StartingSequenceNumber: `49${"9".repeat(44)}`,
        },
        { ShardIterator: "A".repeat(512), Limit: 10000 },
        {
          ShardIterator:
            "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        },
        { NextToken: "e30=", StreamCreationTimestamp: 1e300 },
        { NextToken: "WyIiLCIiLCIiLDBd" },
        { StreamName: name, ShardFilter: { Type: "AT_TIMESTAMP", Timestamp: -1 } },
        { StreamName: name, ShardFilter: { Type: "AFTER_SHARD_ID", ShardId: "x" } },
        { StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" }, ShardCount: 3 },
        { StreamName: "__proto__", Tags: { __proto__: "x", constructor: "y" } },
      ];
      for (const operation of operations) {
        for (const body of odd) {
          const answer = await call(operation, body);
          if (answer.status >= 500) {
            throw new Error(
              `${operation} ${JSON.stringify(body)} → ${answer.status} ${answer.text}`,
            );
          }
        }
      }
    });
  });
});
