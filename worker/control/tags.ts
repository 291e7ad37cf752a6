/**
 * The rules a stream's tags follow beyond the model's lengths: which
 * characters they may hold, the reserved "aws:" prefix, and how many a stream
 * may keep. Each returns AWS's message for the first rule broken.
 */
import { MAX_TAGS_PER_STREAM } from "../../src/kinesis/constraints.js";

/**
 * Unicode letters, digits and white space, and _ . / = + - % @ as the model's
 * Tag documentation lists them. AWS's endpoints refuse tabs and line breaks
 * (kinesalite's recordings), so "white space" is the space separators. The
 * colon is allowed too: TagResource's documentation lists it, and AWS accepts
 * it on AddTagsToStream as well (kinesalite issue #107).
 */
const TAG_TEXT = /^[\p{L}\p{N}\p{Zs}_.:/=+\-%@]*$/u;

// AWS's wording, as kinesalite's tests recorded it.
const INVALID_CHARACTERS =
  "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.";

/** Why these tags may not be added, or undefined when they may. */
export function tagsProblem(tags: Record<string, string>): string | undefined {
  const entries = Object.entries(tags);
  if (entries.some(([key, value]) => !TAG_TEXT.test(key) || !TAG_TEXT.test(value))) {
    return INVALID_CHARACTERS;
  }
  if (entries.some(([key]) => key.toLowerCase().startsWith("aws:"))) {
    // The wording AWS's tagging services use for the reserved prefix.
    return "Tag keys beginning with aws: are reserved for system use.";
  }
  return undefined;
}

/** Why these keys may not be removed, or undefined when they may. */
export function tagKeysProblem(keys: readonly string[]): string | undefined {
  return keys.some((key) => !TAG_TEXT.test(key)) ? INVALID_CHARACTERS : undefined;
}

/** The message for a stream that would hold more than 50 tags. */
export function tooManyTags(streamName: string, account: string): string {
  // AWS's wording (kinesalite's recordings), with the limit AWS documents.
  return `Failed to add tags to stream ${streamName} under account ${account} because a given stream cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`;
}

/** Tags in the order AWS lists them: by key, compared as Java compares strings (UTF-16 units). */
export function byKey<T extends { Key: string }>(a: T, b: T): number {
  return a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0;
}
