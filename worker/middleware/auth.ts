/**
 * Authentication, as far as this stage goes: a request must carry SigV4
 * credentials (header or query string), and their credential scope names the
 * region. Signatures are not verified yet.
 */
import { KinesisError } from "../../src/kinesis/errors.js";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The region when a credential scope names none. */
export const DEFAULT_REGION = "us-east-1";

/**
 * The region of a signed request, or the errors AWS gives for missing or
 * incomplete authentication, in its words.
 */
export function regionOf(request: Request): string {
  const header = request.headers.get("authorization");
  const url = new URL(request.url);
  const query = url.searchParams;
  const hasQueryAuth = query.has("X-Amz-Algorithm");
  if (header && hasQueryAuth) {
    throw new KinesisError(
      "InvalidSignatureException",
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    );
  }
  if (!header && !hasQueryAuth) {
    throw new KinesisError("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  let credential: string | undefined;
  if (header) {
    const params = new Map<string, string>();
    for (const part of header.split(/[\s,]+/).slice(1)) {
      const eq = part.indexOf("=");
      if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
    }
    let missing = "";
    for (const name of ["Credential", "Signature", "SignedHeaders"]) {
      if (!params.get(name)) missing += `Authorization header requires '${name}' parameter. `;
    }
    if (!request.headers.has("x-amz-date") && !request.headers.has("date")) {
      missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if (missing)
      throw new KinesisError("IncompleteSignatureException", `${missing}Authorization=${header}`);
    credential = params.get("Credential");
  } else {
    let missing = "";
    for (const name of [
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Signature",
      "X-Amz-SignedHeaders",
      "X-Amz-Date",
    ]) {
      if (!query.get(name)) missing += `AWS query-string parameters must include '${name}'. `;
    }
    if (missing)
      throw new KinesisError(
        "IncompleteSignatureException",
        `${missing}Re-examine the query-string parameters.`,
      );
    credential = query.get("X-Amz-Credential") ?? undefined;
  }
  // Credential=<key id>/<date>/<region>/<service>/aws4_request
  const region = credential?.split("/")[2];
  if (!region) return DEFAULT_REGION;
  // Every region is a new control plane, so only names shaped like AWS's
  // regions (us-east-1, us-gov-west-1, ...) are taken; AWS's wording.
  if (!REGION.test(region)) {
    throw new KinesisError(
      "InvalidSignatureException",
      "Credential should be scoped to a valid region. ",
    );
  }
  return region;
}
