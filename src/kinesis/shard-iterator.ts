/**
 * Shard iterators: opaque base64 tokens of at most 512 characters that carry
 * where to read and when the token was issued, followed by a MAC so they
 * cannot be forged or altered. This module lays out and parses the bytes; the
 * shard that owns the position signs and verifies them with its stream's key.
 *
 * Layout (big-endian):
 *   version u8 | issuedAt u64 (ms) | position u64 | shardIndex u32 |
 *   incarnation 16 bytes | name length u8 | name (UTF-8) | MAC 16 bytes
 */
import { decodeBase64Strict, encodeBase64 } from "../protocol/base64.js";

const VERSION = 1;
const HEADER = 1 + 8 + 8 + 4 + 16 + 1;
/** Bytes of the truncated HMAC-SHA-256 tag. */
export const MAC_BYTES = 16;

/** What an iterator says, before its MAC is checked. */
export interface IteratorClaims {
  readonly issuedAt: number;
  /** The next position to read. */
  readonly position: bigint;
  readonly shardIndex: number;
  /** The stream incarnation, hex (32 characters). */
  readonly incarnation: string;
  readonly streamName: string;
}

/** Claims plus the bytes the MAC covers and the MAC found in the token. */
export interface ParsedIterator extends IteratorClaims {
  readonly signed: Uint8Array;
  readonly mac: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The bytes to sign for a set of claims. */
export function iteratorBody(claims: IteratorClaims): Uint8Array {
  const name = encoder.encode(claims.streamName);
  const body = new Uint8Array(HEADER + name.length);
  const view = new DataView(body.buffer);
  view.setUint8(0, VERSION);
  view.setBigUint64(1, BigInt(claims.issuedAt));
  view.setBigUint64(9, claims.position);
  view.setUint32(17, claims.shardIndex);
  body.set(hexToBytes(claims.incarnation), 21);
  view.setUint8(37, name.length);
  body.set(name, HEADER);
  return body;
}

/** Joins the signed body and its MAC into the token clients see. */
export function iteratorToken(body: Uint8Array, mac: Uint8Array): string {
  const token = new Uint8Array(body.length + MAC_BYTES);
  token.set(body);
  token.set(mac.subarray(0, MAC_BYTES), body.length);
  return encodeBase64(token);
}

/** Parses a token's layout; undefined if it is not one of ours. The MAC is not checked here. */
export function parseIterator(token: string): ParsedIterator | undefined {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Strict(token, (why) => new Error(why));
  } catch {
    return undefined;
  }
  if (bytes.length < HEADER + MAC_BYTES || bytes[0] !== VERSION) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nameLength = view.getUint8(37);
  if (bytes.length !== HEADER + nameLength + MAC_BYTES) return undefined;
  let streamName: string;
  try {
    streamName = decoder.decode(bytes.subarray(HEADER, HEADER + nameLength));
  } catch {
    return undefined;
  }
  return {
    issuedAt: Number(view.getBigUint64(1)),
    position: view.getBigUint64(9),
    shardIndex: view.getUint32(17),
    incarnation: bytesToHex(bytes.subarray(21, 37)),
    streamName,
    signed: bytes.subarray(0, HEADER + nameLength),
    mac: bytes.subarray(HEADER + nameLength),
  };
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}
