/**
 * What the HTTP front allows a client: how many connections, how long one may
 * stay silent, and how much of an answered request it reads before it closes.
 *
 * @example
 * const limits = frontLimits({ idleTimeoutMs: 200 }); // the rest as by default
 */

export interface FrontLimits {
  /**
   * Connections open at once; one more is closed as soon as it is accepted,
   * before anything is read from it. Silent connections by the ten thousand
   * once froze the service.
   */
  maxConnections: number;
  /** A connection that sends and receives nothing this long is closed (TLS handshakes too). */
  idleTimeoutMs: number;
  /**
   * After an answer to a request whose body is still arriving (a 413, say),
   * the rest is read and thrown away for at most this long, so the client
   * gets to read the answer instead of a reset.
   */
  drainTimeoutMs: number;
  /** ... and for at most this many bytes. */
  drainMaxBytes: number;
}

export const DEFAULT_FRONT_LIMITS: Readonly<FrontLimits> = {
  maxConnections: 1_000,
  idleTimeoutMs: 60_000,
  drainTimeoutMs: 5_000,
  // A little more than the 100 MB a client was seen to send into a 20 MiB limit.
  drainMaxBytes: 128 * 1024 * 1024,
};

/** The defaults, with what the caller set. */
export function frontLimits(overrides: Partial<FrontLimits> = {}): FrontLimits {
  const limits = { ...DEFAULT_FRONT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`the front's ${name} must be a positive whole number, not ${value}`);
    }
  }
  return limits;
}
