/**
 * A stream's tags: AddTagsToStream, RemoveTagsFromStream and
 * ListTagsForStream (and their ARN forms, TagResource, UntagResource and
 * ListTagsForResource), with the rules tags follow beyond the model's
 * lengths: which characters they may hold, the reserved "aws:" prefix, and
 * how many a stream may keep.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { MAX_TAGS_PER_STREAM } from "../../src/kinesis/constraints.js";
import {
  invalidTagCharacters,
  reservedTagPrefix,
  tooManyTags,
} from "../../src/kinesis/errors/index.js";
import type { ListTagsForStreamOutput, Tag } from "../../src/kinesis/model.js";
import type { ControlStore } from "./store.js";
import { requireStream } from "./stream-rows.js";

/**
 * Unicode letters, digits and white space, and _ . / = + - % @ as the model's
 * Tag documentation lists them. AWS's endpoints refuse tabs and line breaks
 * (kinesalite's recordings), so "white space" is the space separators. The
 * colon is allowed too: TagResource's documentation lists it, and AWS accepts
 * it on AddTagsToStream as well (kinesalite issue #107).
 */
const TAG_TEXT = /^[\p{L}\p{N}\p{Zs}_.:/=+\-%@]*$/u;

/** Refuses tags that may not be added: the first rule broken, in AWS's words. */
export function checkTags(tags: Record<string, string>): void {
  const entries = Object.entries(tags);
  if (entries.some(([key, value]) => !TAG_TEXT.test(key) || !TAG_TEXT.test(value))) {
    throw invalidTagCharacters();
  }
  if (entries.some(([key]) => key.toLowerCase().startsWith("aws:"))) throw reservedTagPrefix();
}

/** Refuses a stream that would hold more tags than AWS allows. */
export function checkTagCount(count: number, stream: string, account: string): void {
  if (count > MAX_TAGS_PER_STREAM) throw tooManyTags(stream, account, MAX_TAGS_PER_STREAM);
}

/** Tags in the order AWS lists them: by key, compared as Java compares strings (UTF-16 units). */
function byKey(a: Tag, b: Tag): number {
  return a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0;
}

/** Writes a stream's tags (new ones, or new values), in the caller's transaction. */
export function writeTags(store: ControlStore, stream: string, tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    store.sql.exec(
      "INSERT INTO tags (stream, key, value) VALUES (?, ?, ?) ON CONFLICT (stream, key) DO UPDATE SET value = excluded.value",
      stream,
      key,
      value,
    );
  }
}

/** AddTagsToStream and TagResource: adds tags or replaces their values. */
export function addTags(
  store: ControlStore,
  scope: Scope,
  name: string,
  tags: Record<string, string>,
): void {
  // AWS looks for the stream before it reads the tags (kinesalite's recordings).
  requireStream(store, scope, name, store.clock());
  checkTags(tags);
  const keys = new Set(
    store.sql
      .exec<{ key: string }>("SELECT key FROM tags WHERE stream = ?", name)
      .toArray()
      .map((r) => r.key),
  );
  for (const key of Object.keys(tags)) keys.add(key);
  checkTagCount(keys.size, name, scope.account);
  store.storage.transactionSync(() => writeTags(store, name, tags));
}

/** RemoveTagsFromStream and UntagResource; keys the stream does not have are ignored. */
export function removeTags(
  store: ControlStore,
  scope: Scope,
  name: string,
  keys: readonly string[],
): void {
  requireStream(store, scope, name, store.clock());
  if (keys.some((key) => !TAG_TEXT.test(key))) throw invalidTagCharacters();
  store.storage.transactionSync(() => {
    for (const key of keys) {
      store.sql.exec("DELETE FROM tags WHERE stream = ? AND key = ?", name, key);
    }
  });
}

/** ListTagsForStream (and, with no page, ListTagsForResource): tags in key order. */
export function listTags(
  store: ControlStore,
  scope: Scope,
  name: string,
  page: { exclusiveStartTagKey?: string; limit?: number },
): ListTagsForStreamOutput {
  requireStream(store, scope, name, store.clock());
  const after = page.exclusiveStartTagKey;
  const tags: Tag[] = store.sql
    .exec<{ key: string; value: string }>("SELECT key, value FROM tags WHERE stream = ?", name)
    .toArray()
    .map((r) => ({ Key: r.key, Value: r.value }))
    .filter((t) => after === undefined || t.Key > after)
    .sort(byKey);
  const limit = page.limit ?? MAX_TAGS_PER_STREAM;
  return { Tags: tags.slice(0, limit), HasMoreTags: tags.length > limit };
}
