/**
 * The Kinesis client of the bench and the soak, and the waits they share.
 *
 * Every measurement uses the same client: `@aws-sdk/client-kinesis` over
 * `NodeHttpHandler` with a keep-alive `http.Agent` of `maxSockets`
 * connections, region us-east-1, placeholder credentials and no retries (an
 * error is counted, never hidden by a second attempt).
 *
 * @example
 * const client = kinesisClient(endpoint, { maxSockets: 8 });
 * await client.send(new CreateStreamCommand({ StreamName: "s", ShardCount: 4 }));
 * await waitForStream(client, "s", "ACTIVE", { timeoutMs: 30_000, pollMs: 10 });
 */
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DescribeStreamSummaryCommand,
  type DescribeStreamSummaryCommandOutput,
  KinesisClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export interface ClientOptions {
  /** The HTTP agent's connections: as many as calls the caller has in flight. */
  maxSockets: number;
}

/**
 * The SDK client for `endpoint`, as every measurement sets it up.
 *
 * @example
 * const client = kinesisClient("http://127.0.0.1:4567", { maxSockets: 64 });
 */
export function kinesisClient(endpoint: string, options: ClientOptions): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    }),
    maxAttempts: 1,
  });
}

/** A stream did not reach the status waited for in time. */
export class StreamWaitTimeout extends Error {
  override name = "StreamWaitTimeout";
}

export interface WaitForStreamOptions {
  timeoutMs: number;
  /** Between DescribeStreamSummary calls. */
  pollMs: number;
  /** Makes the call; by default `client.send`. A caller that counts its calls wraps it. */
  describe?: (streamName: string) => Promise<DescribeStreamSummaryCommandOutput>;
  /**
   * Called with an error of the call, after which the wait goes on. Without
   * it, an error ends the wait (except ResourceNotFound while waiting for a
   * deletion, which is what it waits for).
   */
  onError?: (error: unknown) => void;
  /** Called before every call: throws to give up. */
  check?: () => void;
}

/**
 * Waits until DescribeStreamSummary says `status`, or (for "DELETED") that
 * the stream is gone.
 *
 * @example
 * await waitForStream(client, "scratch", "DELETED", { timeoutMs: 30_000, pollMs: 100 });
 */
export async function waitForStream(
  client: KinesisClient,
  streamName: string,
  status: "ACTIVE" | "DELETED",
  options: WaitForStreamOptions,
): Promise<void> {
  const describe =
    options.describe ??
    ((StreamName: string) => client.send(new DescribeStreamSummaryCommand({ StreamName })));
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    options.check?.();
    try {
      const answer = await describe(streamName);
      if (answer.StreamDescriptionSummary?.StreamStatus === status) return;
    } catch (error) {
      if (status === "DELETED" && isNotFound(error)) return;
      if (options.onError === undefined) throw error;
      options.onError(error);
    }
    await sleep(options.pollMs);
  }
  throw new StreamWaitTimeout(
    `${streamName} did not become ${status} in ${options.timeoutMs / 1000} s`,
  );
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof ResourceNotFoundException ||
    (error instanceof Error && error.name === "ResourceNotFoundException")
  );
}
