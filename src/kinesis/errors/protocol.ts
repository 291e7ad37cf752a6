/**
 * The front door's errors: protocol, body and authentication, and the
 * service's own failures.
 *
 * Unless a comment says otherwise the wording is AWS's, as its Kinesis
 * endpoints answer (recorded in kinesalite's test suite, which runs against
 * AWS).
 */
import { KinesisError } from "./kinesis-error.js";

/**
 * No operation could be read from the request (a method other than POST, or
 * no content type the protocol knows). AWS answers it outside the JSON
 * protocol, as bare XML.
 */
export function operationUndetermined(): KinesisError {
  return new KinesisError(
    "AccessDeniedException",
    "Unable to determine service/operation name to be authorized",
    403,
  );
}

/** A target that names no operation of the API; AWS sends it with no message. */
export function unknownOperation(status: 400 | 404 = 400): KinesisError {
  return new KinesisError("UnknownOperationException", undefined, status);
}

/** Ours: an operation of the model this endpoint does not serve yet. */
export function operationNotSupported(operation: string): KinesisError {
  return new KinesisError(
    "UnknownOperationException",
    `Operation ${operation} is not supported by this endpoint yet.`,
  );
}

/** A body that is not a structure; AWS sends it with no message. */
export function notAStructure(): KinesisError {
  return new KinesisError("SerializationException");
}

/** Ours: a body over the endpoint's limit, refused before it is read whole. */
export function bodyTooLarge(maxBytes: number): KinesisError {
  return new KinesisError(
    "SerializationException",
    `Request body is larger than the ${maxBytes} bytes this endpoint accepts.`,
    413,
  );
}

/** Ours: the client broke its request off, or sent broken chunked framing. */
export function bodyUnreadable(): KinesisError {
  return new KinesisError("SerializationException", "The request body could not be read.");
}

export function missingAuthenticationToken(): KinesisError {
  return new KinesisError("MissingAuthenticationTokenException", "Missing Authentication Token");
}

export function bothAuthentications(): KinesisError {
  return new KinesisError(
    "InvalidSignatureException",
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  );
}

/** An Authorization header that lacks parameters, or a request that lacks a date. */
export function incompleteAuthorizationHeader(
  missing: readonly string[],
  missingDate: boolean,
  header: string,
): KinesisError {
  let text = "";
  for (const name of missing) text += `Authorization header requires '${name}' parameter. `;
  if (missingDate) {
    text += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  return new KinesisError("IncompleteSignatureException", `${text}Authorization=${header}`);
}

/** A presigned request that lacks query-string parameters. */
export function incompleteQueryAuthentication(missing: readonly string[]): KinesisError {
  let text = "";
  for (const name of missing) text += `AWS query-string parameters must include '${name}'. `;
  return new KinesisError(
    "IncompleteSignatureException",
    `${text}Re-examine the query-string parameters.`,
  );
}

export function invalidRegionScope(): KinesisError {
  return new KinesisError(
    "InvalidSignatureException",
    "Credential should be scoped to a valid region. ",
  );
}

/** Ours: a fault of the service, which SDKs retry; what was thrown is logged, not sent. */
export function internalFailure(): KinesisError {
  return new KinesisError("InternalFailure", undefined, 500);
}

/** Ours: a write saw the stream's shard map change more often than reshards explain. */
export function shardMapUnsettled(): KinesisError {
  return new KinesisError("InternalFailure", "The stream's shard map kept changing.", 500);
}

/** Ours: a write that ended with an entry neither appended nor refused. */
export function recordNotWritten(): KinesisError {
  return new KinesisError("InternalFailure", "A record was not written.", 500);
}
