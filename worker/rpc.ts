/**
 * Durable Object answers carry AWS errors as data (see shard/types.ts); this
 * turns them back into the one error type.
 */
import { KinesisError } from "../src/kinesis/errors.js";
import type { WireError } from "./shard/types.js";

/** The value of an RPC answer, or its error thrown as a KinesisError. */
export function unwrap<R extends object>(result: R): Exclude<R, { error: WireError }> {
  if ("error" in result) {
    const { type, message } = result.error as WireError;
    throw new KinesisError(type, message);
  }
  return result as Exclude<R, { error: WireError }>;
}
