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
  /** The error as plain data, for an answer that crosses an RPC boundary. */
  toWire(): WireError {
    return { type: this.type, message: this.message, status: this.status };
  }

  /** The error a Durable Object answered with, as the one error type again. */
  static fromWire(wire: WireError): KinesisError {
    return new KinesisError(wire.type, wire.message, wire.status);
  }

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

/**
 * An AWS error as data. An RPC error loses its class on the way, so Durable
 * Objects answer errors in this form and their clients throw them again.
 */
export interface WireError {
  readonly type: KinesisErrorType;
  readonly message: string;
  readonly status: KinesisError["status"];
}

/** Narrows an unknown thrown value. */
export function isKinesisError(error: unknown): error is KinesisError {
  return error instanceof KinesisError;
}
