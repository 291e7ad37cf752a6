/**
 * NextToken for ListStreams and ListShards: an opaque base64 token that says
 * where the next page starts and when the token was issued. Like AWS's, it
 * expires (ExpiredNextTokenException) after five minutes.
 */
import { decodeBase64Strict, encodeBase64 } from "../protocol/base64.js";

export const NEXT_TOKEN_LIFETIME_MS = 300_000;

export interface PageToken {
  /** What the token pages over: a stream name, or "" for the list of streams. */
  readonly scope: string;
  /** The last item of the previous page. */
  readonly after: string;
  /** Extra state the operation needs to continue (a ListShards filter). */
  readonly state?: string;
  readonly issuedAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function encodePageToken(token: PageToken): string {
  return encodeBase64(
    encoder.encode(JSON.stringify([token.scope, token.after, token.state ?? "", token.issuedAt])),
  );
}

/** The token's content, or undefined when it is not one of ours. */
export function decodePageToken(text: string): PageToken | undefined {
  try {
    const parsed: unknown = JSON.parse(
      decoder.decode(decodeBase64Strict(text, (why) => new Error(why))),
    );
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [scope, after, state, issuedAt]: unknown[] = parsed;
    if (typeof scope !== "string" || typeof after !== "string" || typeof state !== "string")
      return undefined;
    if (typeof issuedAt !== "number") return undefined;
    return { scope, after, issuedAt, ...(state ? { state } : {}) };
  } catch {
    return undefined;
  }
}
