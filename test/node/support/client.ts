import { KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * The environment the AWS CLI and the SDKs in child processes get: placeholder
 * credentials and region (the service checks that requests are signed, not
 * the signatures), no pager, and no look-up of instance metadata.
 */
export const AWS_TOOL_ENV = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_REGION: "us-east-1",
  AWS_PAGER: "",
  AWS_EC2_METADATA_DISABLED: "true",
} as const;

/**
 * A Kinesis client for the local service over HTTP/1.1 (NodeHttpHandler),
 * which also serves `wrangler dev`; test/node/http2.test.ts covers the SDK's
 * default HTTP/2 client. One attempt, so tests see each error as the service
 * returned it.
 */
export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}
