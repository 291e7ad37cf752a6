/**
 * An action is one Kinesis operation: its declared input shape and its
 * handler. The front door parses the body against `input` (serialization,
 * then validation) before `handle` sees it.
 */
import type { Infer, StructureShape } from "../../src/kinesis/shape.js";
import type { RequestContext } from "../context.js";

export interface Action<S extends StructureShape = StructureShape, O extends object = object> {
  readonly input: S;
  handle(input: Infer<S>, ctx: RequestContext): Promise<O>;
}

/**
 * Declares an action, keeping its input type inferred from its shape.
 *
 * @example
 * export default defineAction({ input: struct({}), async handle() { return {}; } });
 */
export function defineAction<S extends StructureShape, O extends object>(
  action: Action<S, O>,
): Action<S, O> {
  return action;
}
