/**
 * Authentication, as far as this stage goes: a request must carry SigV4
 * credentials (header or query string), and their credential scope names the
 * region. Signatures are not verified yet; verification slots in here.
 */
import type { MiddlewareHandler } from "hono";
import type { Scope } from "../../../src/kinesis/arn.js";
import {
  bothAuthentications,
  incompleteAuthorizationHeader,
  incompleteQueryAuthentication,
  invalidRegionScope,
  missingAuthenticationToken,
} from "../../../src/kinesis/errors/index.js";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The account when ACCOUNT_ID is unset. */
export const DEFAULT_ACCOUNT = "000000000000";

/** The region when a credential scope names none. */
export const DEFAULT_REGION = "us-east-1";

export type AuthVariables = { scope: Scope };

/**
 * Authenticates the request and sets `c.var.scope`: the configured account
 * (ACCOUNT_ID) and the region of the request's credential scope. Anything
 * missing or malformed is answered with AWS's errors, which the app's error
 * handler renders.
 *
 * @example
 * app.use(authentication());
 */
export function authentication(): MiddlewareHandler<{
  Bindings: Env;
  Variables: AuthVariables;
}> {
  return async function authenticationMiddleware(c, next) {
    c.set("scope", { account: c.env.ACCOUNT_ID || DEFAULT_ACCOUNT, region: regionOf(c.req.raw) });
    await next();
  };
}

/**
 * The region of a signed request, or the errors AWS gives for missing or
 * incomplete authentication, in its words.
 */
export function regionOf(request: Request): string {
  const header = request.headers.get("authorization");
  const url = new URL(request.url);
  const query = url.searchParams;
  const hasQueryAuth = query.has("X-Amz-Algorithm");
  if (header && hasQueryAuth) throw bothAuthentications();
  if (!header && !hasQueryAuth) throw missingAuthenticationToken();
  let credential: string | undefined;
  if (header) {
    const params = new Map<string, string>();
    for (const part of header.split(/[\s,]+/).slice(1)) {
      const eq = part.indexOf("=");
      if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const missing = ["Credential", "Signature", "SignedHeaders"].filter(
      (name) => !params.get(name),
    );
    const missingDate = !request.headers.has("x-amz-date") && !request.headers.has("date");
    if (missing.length > 0 || missingDate) {
      throw incompleteAuthorizationHeader(missing, missingDate, header);
    }
    credential = params.get("Credential");
  } else {
    const missing = [
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Signature",
      "X-Amz-SignedHeaders",
      "X-Amz-Date",
    ].filter((name) => !query.get(name));
    if (missing.length > 0) throw incompleteQueryAuthentication(missing);
    credential = query.get("X-Amz-Credential") ?? undefined;
  }
  // Credential=<key id>/<date>/<region>/<service>/aws4_request
  const region = credential?.split("/")[2];
  if (!region) return DEFAULT_REGION;
  // Every region is a new control plane, so only names shaped like AWS's
  // regions (us-east-1, us-gov-west-1, ...) are taken; AWS's wording.
  if (!REGION.test(region)) throw invalidRegionScope();
  return region;
}
