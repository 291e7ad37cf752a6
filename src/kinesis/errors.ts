/**
 * The one error type of the service. Every failure a client may see is a
 * `KinesisError`; the Worker renders it in the request's codec in one place
 * (`app.onError`). Anything thrown that is not a `KinesisError` is an internal
 * fault and becomes `InternalFailure`.
 *
 * @example
 * throw new KinesisError("ResourceNotFoundException", `Stream ${name} under account ${account} not found.`);
 */
export class KinesisError extends Error {
  override readonly name = "KinesisError";

  constructor(
    /** The AWS error code, sent as `__type`. */
    readonly type: KinesisErrorType,
    message?: string,
    /** HTTP status: 400 for everything the client caused. */
    readonly status: 400 | 403 | 404 | 413 | 500 | 503 = 400,
  ) {
    super(message ?? "");
  }

  /** Who is at fault, in the words of AWS's error documents. */
  get fault(): "client" | "server" {
    return this.status >= 500 ? "server" : "client";
  }

  /**
   * The body fields AWS JSON and CBOR errors carry. Message-less errors send
   * none. AWS's front end spells the field "Message" in a SerializationException
   * (its deserializer's error) and "message" everywhere else.
   */
  toBody(): { __type: string; message?: string; Message?: string } {
    if (!this.message) return { __type: this.type };
    return this.type === "SerializationException"
      ? { __type: this.type, Message: this.message }
      : { __type: this.type, message: this.message };
  }
}

/** The error codes this service answers with (AWS's names). */
export type KinesisErrorType =
  | "AccessDeniedException"
  | "ExpiredIteratorException"
  | "ExpiredNextTokenException"
  | "IncompleteSignatureException"
  | "InternalFailure"
  | "InvalidArgumentException"
  | "InvalidSignatureException"
  | "LimitExceededException"
  | "MissingAuthenticationTokenException"
  | "ProvisionedThroughputExceededException"
  | "RequestEntityTooLargeException"
  | "ResourceInUseException"
  | "ResourceNotFoundException"
  | "SerializationException"
  | "UnknownOperationException"
  | "ValidationException";

/** Narrows an unknown thrown value. */
export function isKinesisError(error: unknown): error is KinesisError {
  return error instanceof KinesisError;
}

// The wording of the not-found and in-use messages is AWS's own, as its
// Kinesis endpoints answer them.

/** `Stream <name> under account <account> not found.` */
export function streamNotFound(streamName: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Stream ${streamName} under account ${account} not found.`,
  );
}

/** `Shard <id> in stream <name> under account <account> does not exist` */
export function shardNotFound(shardId: string, streamName: string, account: string): KinesisError {
  return new KinesisError(
    "ResourceNotFoundException",
    `Shard ${shardId} in stream ${streamName} under account ${account} does not exist`,
  );
}
