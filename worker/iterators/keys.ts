/**
 * Iterator keys. Each stream incarnation signs its iterators with its own key,
 * derived from one server secret: key = HMAC-SHA-256(secret, incarnation).
 * The Worker can so check any iterator before it names a shard object, and a
 * token whose claimed stream was altered fails its MAC instead of reaching a
 * shard that does not exist.
 *
 * The secret is ITERATOR_SECRET when configured (`wrangler secret put` in
 * production), otherwise minted once and stored by the server's control object.
 */
import { bytesToHex } from "../../src/kinesis/shard-iterator.js";
import { serverSecret as storedSecret } from "../clients/control.js";
import { IteratorSigner } from "./signer.js";

const encoder = new TextEncoder();
let secret: Promise<string> | undefined;
const signers = new Map<string, IteratorSigner>();
/** Bounds the per-isolate cache of signers. */
const MAX_SIGNERS = 10_000;

function serverSecret(env: Env): Promise<string> {
  if (env.ITERATOR_SECRET) return Promise.resolve(env.ITERATOR_SECRET);
  if (!secret) {
    secret = storedSecret(env);
    secret.catch(() => {
      secret = undefined;
    });
  }
  return secret;
}

/** The iterator key of a stream incarnation, hex. */
export async function iteratorKeyOf(env: Env, incarnation: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(await serverSecret(env)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return bytesToHex(
    new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(incarnation))),
  );
}

/** A signer for a stream incarnation's iterators, cached in the isolate. */
export async function signerOf(env: Env, incarnation: string): Promise<IteratorSigner> {
  let signer = signers.get(incarnation);
  if (!signer) {
    signer = new IteratorSigner(await iteratorKeyOf(env, incarnation));
    if (signers.size >= MAX_SIGNERS) signers.clear();
    signers.set(incarnation, signer);
  }
  return signer;
}
