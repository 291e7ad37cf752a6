/**
 * How a setting's text is read, the same way wherever it is set: by the
 * local command line and its environment variables, and by the Worker from
 * its vars (wrangler.toml, `wrangler dev --var`, the dashboard). One reading
 * means `KINESIS_LIMITS=false` turns limits off everywhere rather than being
 * taken for "on" by one reader and refused by another.
 *
 * This file imports nothing, so Node can load it directly from the local
 * service's TypeScript as well as through the Worker's bundle.
 */

/** The words a switch accepts, compared without regard to case or surrounding spaces. */
export const SWITCH_WORDS: { readonly on: readonly string[]; readonly off: readonly string[] } = {
  on: ["on", "true", "1", "yes"],
  off: ["off", "false", "0", "no"],
};

/** true for on, false for off, undefined for anything else. */
export function readSwitch(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (SWITCH_WORDS.on.includes(word)) return true;
  if (SWITCH_WORDS.off.includes(word)) return false;
  return undefined;
}

/**
 * A whole number in decimal digits (no sign, exponent, fraction or
 * hexadecimal, which `Number()` would accept), within `min`..`max`;
 * undefined otherwise.
 */
export function readWholeNumber(
  text: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const digits = text.trim();
  if (!/^\d+$/.test(digits)) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}
