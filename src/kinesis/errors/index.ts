/**
 * The error catalogue: the one error type, and a named constructor for each
 * AWS error and message the service answers with. No message text is written
 * anywhere else.
 */
export * from "./arguments.js";
export * from "./kinesis-error.js";
export * from "./limits.js";
export * from "./protocol.js";
export * from "./resources.js";
export * from "./serialization.js";
export * from "./subscriptions.js";
