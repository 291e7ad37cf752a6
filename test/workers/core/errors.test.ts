import { describe, expect, it } from "vitest";
import {
  isKinesisError,
  KinesisError,
  shardNotFound,
  streamNotFound,
} from "../../../src/kinesis/errors/index.js";

describe("KinesisError", () => {
  it("is an Error carrying the AWS error code and message", () => {
    const error = new KinesisError("InvalidArgumentException", "Bad value");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("KinesisError");
    expect(error.type).toBe("InvalidArgumentException");
    expect(error.message).toBe("Bad value");
  });

  it("defaults to status 400 and an empty message", () => {
    const error = new KinesisError("AccessDeniedException");
    expect(error.status).toBe(400);
    expect(error.message).toBe("");
  });

  it("blames the client below 500 and the server from 500", () => {
    expect(new KinesisError("ResourceNotFoundException", "x", 400).fault).toBe("client");
    expect(new KinesisError("AccessDeniedException", "x", 403).fault).toBe("client");
    expect(new KinesisError("RequestEntityTooLargeException", "x", 413).fault).toBe("client");
    expect(new KinesisError("InternalFailure", undefined, 500).fault).toBe("server");
    expect(new KinesisError("ProvisionedThroughputExceededException", "x", 503).fault).toBe(
      "server",
    );
  });

  describe("toBody", () => {
    it("sends the code as __type with the message", () => {
      expect(new KinesisError("ValidationException", "1 validation error").toBody()).toEqual({
        __type: "ValidationException",
        message: "1 validation error",
      });
    });

    it('spells the field "Message" in a SerializationException, as AWS\'s deserializer does', () => {
      const body = new KinesisError("SerializationException", "Expected null").toBody();
      expect(body).toEqual({ __type: "SerializationException", Message: "Expected null" });
      expect("message" in body).toBe(false);
    });

    it("sends no message field for a message-less error", () => {
      const body = new KinesisError("InternalFailure", undefined, 500).toBody();
      expect(body).toEqual({ __type: "InternalFailure" });
      expect("message" in body).toBe(false);
    });
  });
});

describe("isKinesisError", () => {
  it("recognises KinesisErrors only", () => {
    expect(isKinesisError(new KinesisError("InternalFailure"))).toBe(true);
    expect(isKinesisError(new Error("plain"))).toBe(false);
    expect(isKinesisError({ type: "ValidationException", message: "lookalike" })).toBe(false);
    expect(isKinesisError(undefined)).toBe(false);
  });
});

describe("not-found errors", () => {
  it("word a missing stream as AWS does", () => {
    const error = streamNotFound("orders", "000000000000");
    expect(error.type).toBe("ResourceNotFoundException");
    expect(error.status).toBe(400);
    expect(error.message).toBe("Stream orders under account 000000000000 not found.");
  });

  it("word a missing shard as AWS does", () => {
    const error = shardNotFound("shardId-000000000007", "orders", "000000000000");
    expect(error.type).toBe("ResourceNotFoundException");
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      "Shard shardId-000000000007 in stream orders under account 000000000000 does not exist",
    );
  });
});
