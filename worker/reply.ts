/**
 * The one reply type of both Durable Objects, and its two ends.
 *
 * An error thrown inside a Durable Object loses its class on the way through
 * RPC, so an object never lets a `KinesisError` escape a method: `answer`
 * turns it into data, and the Worker's clients turn it back with `unwrap`.
 * Two more replies are signals, not errors: a shard that is `gone` (its stream
 * was deleted, or it never existed) or `closed` (resharded) tells the Worker
 * that its shard map is stale.
 */
import {
  internalFailure,
  isKinesisError,
  KinesisError,
  type WireError,
} from "../src/kinesis/errors/index.js";

export interface Gone {
  readonly gone: true;
}
export interface Closed {
  readonly closed: true;
}

/** What every Durable Object method answers. */
export type Reply<T> = { readonly ok: T } | { readonly error: WireError } | Gone | Closed;

export const GONE: Gone = { gone: true };
export const CLOSED: Closed = { closed: true };

/**
 * Runs a method's work inside a Durable Object: its value is the `ok` reply,
 * a `KinesisError` it throws the `error` reply. Anything else it throws is a
 * fault, and goes on up (the Worker answers InternalFailure and logs it).
 *
 * @example
 * async describeLimits(): Promise<Reply<DescribeLimitsOutput>> {
 *   return answer(() => describeLimits(this.#store));
 * }
 */
export async function answer<T>(work: () => T | Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: await work() };
  } catch (error) {
    if (isKinesisError(error)) return { error: error.toWire() };
    throw error;
  }
}

/**
 * The value of a reply, or its error thrown as a `KinesisError`. A gone or
 * closed reply where the caller expects neither is a fault of ours.
 */
export function unwrap<T>(reply: Reply<T>): T {
  if ("ok" in reply) return reply.ok;
  if ("error" in reply) throw KinesisError.fromWire(reply.error);
  throw internalFailure();
}

export function isGone<T>(reply: Reply<T>): reply is Gone {
  return "gone" in reply;
}

/** A shard whose map is stale: dropped with its stream, or closed by a reshard. */
export function isStale<T>(reply: Reply<T>): reply is Gone | Closed {
  return "gone" in reply || "closed" in reply;
}
