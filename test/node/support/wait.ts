export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Probe again after this long. */
  intervalMs: number;
}

/**
 * Probes until it returns something other than undefined, and returns that.
 * A probe that throws counts as "not yet"; on timeout the last error is the
 * cause. Tests wait on conditions like this, never on fixed sleeps.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
