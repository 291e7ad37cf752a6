/**
 * Calls the Worker the way an AWS client does: POST / with X-Amz-Target and
 * an AWS JSON 1.1 body, signed enough to carry a credential scope.
 */
import { exports } from "cloudflare:workers";

export interface Answer {
  status: number;
  headers: Headers;
  /** The decoded JSON body, or the raw text when it is not JSON. */
  body: Record<string, unknown>;
  text: string;
}

export const AUTH =
  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000";

export async function call(
  operation: string,
  body: unknown,
  options: { headers?: Record<string, string>; raw?: string; region?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.1",
    "x-amz-target": `Kinesis_20131202.${operation}`,
    "x-amz-date": "20261127T000000Z",
    authorization: options.region ? AUTH.replace("us-east-1", options.region) : AUTH,
    ...options.headers,
  };
  const res = await exports.default.fetch("http://localhost/", {
    method: "POST",
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Calls and expects success; returns the body. */
export async function ok(operation: string, body: unknown, region?: string): Promise<Record<string, unknown>> {
  const answer = await call(operation, body, region ? { region } : {});
  if (answer.status !== 200) throw new Error(`${operation} failed: ${answer.status} ${answer.text}`);
  return answer.body;
}

let counter = 0;
/** A stream name no other test uses. */
export function uniqueName(prefix = "stream"): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
