/**
 * The one way tests reach into a Durable Object: through
 * `runInDurableObject`, a test takes the object's seam and moves its clock,
 * switches its throughput limits or changes its settings. The seam sits
 * under a symbol, so it is no part of the object's RPC surface, and
 * `Symbol.for` gives tests and the Worker the same key even where they load
 * this module apart.
 *
 * @example
 * await runInDurableObject(stub, (shard: Shard) => {
 *   shard[TEST_SEAM].setClock(() => now);
 * });
 */
export const TEST_SEAM: unique symbol = Symbol.for("tributary.test-seam");

/** The environment's settings: its string variables, not its bindings. */
export type Vars = { [K in keyof Env as Env[K] extends string ? K : never]?: string };

export interface TestSeam {
  /** Replaces the object's clock; `undefined` gives it back the real one. */
  setClock(clock: (() => number) | undefined): void;
  /** Replaces settings the object reads from its environment (SHARD_LIMIT, KINESIS_LIMITS, ...). */
  setVars(vars: Vars): void;
}

/**
 * What a Durable Object's rules read the time and their settings from. The
 * host holds one and hands it to every module; its test seam replaces the
 * clock and the environment in place.
 */
export interface Seamed {
  clock: () => number;
  env: Env;
}

/** The test seam over a host's clock and environment. */
export function seamOver(target: Seamed): TestSeam {
  return {
    setClock(clock) {
      target.clock = clock ?? (() => Date.now());
    },
    setVars(vars) {
      target.env = { ...target.env, ...vars };
    },
  };
}
