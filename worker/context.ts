/**
 * What every action gets besides its input.
 */
import type { Scope } from "../src/kinesis/arn.js";

export interface RequestContext {
  readonly env: Env;
  /** The account (configured) and region (from the SigV4 credential scope). */
  readonly scope: Scope;
  readonly requestId: string;
}
