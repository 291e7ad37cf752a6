/**
 * What every action gets besides its input.
 */
import type { Scope } from "../src/kinesis/arn.js";
import type { Codec } from "../src/protocol/codec.js";

export interface RequestContext {
  readonly env: Env;
  /** The account (configured) and region (from the SigV4 credential scope). */
  readonly scope: Scope;
  readonly requestId: string;
  /** The request's codec (JSON 1.1 or CBOR 1.1); a streamed answer's events use it too. */
  readonly codec: Codec;
}
