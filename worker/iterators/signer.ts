/**
 * Signs and verifies shard iterators with HMAC-SHA-256 (truncated to 16
 * bytes) under the stream's iterator key.
 */
import {
  hexToBytes,
  type IteratorClaims,
  iteratorBody,
  iteratorToken,
  MAC_BYTES,
  type ParsedIterator,
} from "../../src/kinesis/shard-iterator.js";

export class IteratorSigner {
  #key: Promise<CryptoKey>;

  constructor(keyHex: string) {
    this.#key = crypto.subtle.importKey(
      "raw",
      hexToBytes(keyHex),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
  }

  /** A token for these claims. */
  async sign(claims: IteratorClaims): Promise<string> {
    const body = iteratorBody(claims);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await this.#key, body));
    return iteratorToken(body, mac.subarray(0, MAC_BYTES));
  }

  /** Whether a parsed token's MAC is ours. */
  async verify(parsed: ParsedIterator): Promise<boolean> {
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await this.#key, parsed.signed));
    // Compare in constant time so the MAC cannot be guessed a byte at a time.
    let diff = 0;
    for (let i = 0; i < MAC_BYTES; i++) diff |= (mac[i] ?? 0) ^ (parsed.mac[i] ?? 0);
    return diff === 0;
  }
}
