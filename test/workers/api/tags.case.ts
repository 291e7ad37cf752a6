/**
 * What the tag operations share. TagResource, UntagResource and
 * ListTagsForResource are AddTagsToStream, RemoveTagsFromStream and
 * ListTagsForStream reached by a ResourceARN: the same tag rules, run here
 * against each operation of a pair with a `TagTarget` that names the stream
 * in the request. The three ARN forms also share their ResourceARN cases.
 *
 * Each function registers tests inside the suite's own `describe`s: call its
 * `validation()` in `describe("validation")` and its `behaviour()` in
 * `describe("behaviour")`, beside the operation's own serialization and
 * validation tables, which stay in its suite.
 */
import { expect, it } from "vitest";
import {
  call,
  createStream,
  deleteStream,
  expectError,
  expectValidation,
  failure,
  ok,
  refusesMissingStream,
  rule,
  streamArnOf,
  tagsOf,
  uniqueName,
} from "../support/kinesis.js";

/** ResourceARN's pattern, as AWS shows it in messages. */
export const RESOURCE_ARN = "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+";

/** AWS's message for characters a tag may not hold (kinesalite's recordings). */
export const INVALID =
  "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.";

/** AWS's message for a tag key that begins with aws:. */
export const RESERVED = "Tag keys beginning with aws: are reserved for system use.";

/** AWS's message when a stream would have more than 50 tags. */
export const tooMany = (name: string) =>
  `Failed to add tags to stream ${name} under account 000000000000 because a given stream cannot have more than 50 tags associated with it.`;

/** `n` tags named `${prefix}0` … */
export const tagsNamed = (n: number, prefix = "k") =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

/** How an operation of a pair reaches the stream. */
export interface TagTarget {
  /** The request members that name stream `name` of `region` (the tests' region when omitted). */
  naming(name: string, region?: string): Record<string, unknown>;
  /** The operation that tags a stream reached this way. */
  readonly tagging: "AddTagsToStream" | "TagResource";
}

/** AddTagsToStream, RemoveTagsFromStream, ListTagsForStream. */
export const BY_STREAM_NAME: TagTarget = {
  naming: (name) => ({ StreamName: name }),
  tagging: "AddTagsToStream",
};

/** TagResource, UntagResource, ListTagsForResource. */
export const BY_RESOURCE_ARN: TagTarget = {
  naming: (name, region) => ({ ResourceARN: streamArnOf(name, region) }),
  tagging: "TagResource",
};

/** The cases of an operation, by the section of its suite they belong in. */
export interface TagCases {
  validation(): void;
  behaviour(): void;
}

/** Tags stream `name` the way `target` reaches it. */
async function tag(target: TagTarget, name: string, tags: Record<string, string>): Promise<void> {
  await ok(target.tagging, { ...target.naming(name), Tags: tags });
}

/** AddTagsToStream and TagResource. */
export function addTagsCases(operation: string, target: TagTarget): TagCases {
  const OP = operation;
  const request = (name: string, tags: Record<string, string>, region?: string) => ({
    ...target.naming(name, region),
    Tags: tags,
  });
  return {
    validation() {
      it("checks the keys' and values' lengths and the number of tags in one request", async () => {
        const long = "k".repeat(129);
        await expectValidation(OP, request("s", { a: "1", [long]: "2" }), [
          failure(
            `'{a=1, ${long}=2}'`,
            "tags",
            "Map keys must satisfy constraint: [Member must have length less than or equal to 128, " +
              "Member must have length greater than or equal to 1]",
          ),
        ]);
        const value = "v".repeat(257);
        await expectValidation(OP, request("s", { a: value }), [
          failure(
            `'{a=${value}}'`,
            "tags",
            "Map value must satisfy constraint: [Member must have length less than or equal to 256, " +
              "Member must have length greater than or equal to 0]",
          ),
        ]);
        const tags = tagsNamed(201);
        const rendered = `'{${Object.entries(tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}}'`;
        await expectValidation(OP, request("s", tags), [
          failure(rendered, "tags", rule.maxLength(200)),
        ]);
      });

      refusesMissingStream(OP, `${OP}-none`, (name) => request(name, { a: "b" }));

      it("answers a stream that does not exist with ResourceNotFoundException, before the tags' characters", async () => {
        const name = uniqueName(`${OP}-none`);
        await expectError(
          OP,
          request(name, { "a;b": "c" }),
          "ResourceNotFoundException",
          `Stream ${name} under account 000000000000 not found.`,
        );
      });

      it("refuses characters AWS does not allow, in keys and in values", async () => {
        const name = uniqueName(`${OP}-chars`);
        await createStream(name, 1);
        for (const bad of ["abc;def", "abc\tdef", "abc\ndef", "abc,def", "a#b", "a*b", "a<b"]) {
          await expectError(OP, request(name, { [bad]: "1" }), "InvalidArgumentException", INVALID);
          await expectError(OP, request(name, { a: bad }), "InvalidArgumentException", INVALID);
        }
        expect(await tagsOf(name)).toEqual([]);
      });

      it("refuses keys that begin with aws:, in any case", async () => {
        const name = uniqueName(`${OP}-aws`);
        await createStream(name, 1);
        for (const key of ["aws:x", "AWS:x", "Aws:"]) {
          await expectError(
            OP,
            request(name, { ok: "1", [key]: "v" }),
            "InvalidArgumentException",
            RESERVED,
          );
        }
        await ok(OP, request(name, { "x-aws:": "v", a: "aws:value" }));
        expect(await tagsOf(name)).toEqual([
          { Key: "a", Value: "aws:value" },
          { Key: "x-aws:", Value: "v" },
        ]);
      });
    },

    behaviour() {
      it("adds tags, answers with an empty body, and replaces the values of keys the stream has", async () => {
        const name = uniqueName(`${OP}-add`);
        await createStream(name, 1);
        const answer = await call(
          OP,
          request(name, { a: "a", "ü0 _.": "a", "/=+-@%:": "a", b: "ü0 _./=+-@%:", c: "" }),
        );
        expect(answer.status).toBe(200);
        expect(answer.text).toBe("");
        await ok(OP, request(name, { a: "b" }));
        expect(await tagsOf(name)).toEqual([
          { Key: "/=+-@%:", Value: "a" },
          { Key: "a", Value: "b" },
          { Key: "b", Value: "ü0 _./=+-@%:" },
          { Key: "c", Value: "" },
          { Key: "ü0 _.", Value: "a" },
        ]);
      });

      it("accepts Unicode letters, digits and spaces of other scripts", async () => {
        const name = uniqueName(`${OP}-unicode`);
        await createStream(name, 1);
        await ok(OP, request(name, { 名前: "値 ٣", "Ωmega\u00a0x": "𝒳" }));
        expect(await tagsOf(name)).toHaveLength(2);
      });

      it("keeps at most 50 tags on a stream, counting the keys it already has", async () => {
        const name = uniqueName(`${OP}-limit`);
        await createStream(name, 1);
        await ok(OP, request(name, tagsNamed(45)));
        await expectError(
          OP,
          request(name, tagsNamed(6, "n")),
          "InvalidArgumentException",
          tooMany(name),
        );
        // Replacing values of keys it has adds none.
        await ok(OP, request(name, { ...tagsNamed(45), ...tagsNamed(5, "n") }));
        expect(await tagsOf(name)).toHaveLength(50);
        await expectError(OP, request(name, { x: "y" }), "InvalidArgumentException", tooMany(name));
      });

      it("refuses more than 50 tags in one request", async () => {
        const name = uniqueName(`${OP}-51`);
        await createStream(name, 1);
        await expectError(
          OP,
          request(name, tagsNamed(51)),
          "InvalidArgumentException",
          tooMany(name),
        );
        expect(await tagsOf(name)).toEqual([]);
      });

      it("keeps one region's tags from another's", async () => {
        const name = uniqueName(`${OP}-region`);
        await createStream(name, 1);
        await createStream(name, 1, "eu-west-1");
        await ok(OP, request(name, { region: "us" }));
        expect(await tagsOf(name, "eu-west-1")).toEqual([]);
      });

      it("tags a stream of another region when asked there", async () => {
        const name = uniqueName(`${OP}-eu`);
        await createStream(name, 1, "eu-west-1");
        await ok(OP, request(name, { r: "eu" }, "eu-west-1"), "eu-west-1");
        expect(await tagsOf(name, "eu-west-1")).toEqual([{ Key: "r", Value: "eu" }]);
      });

      it("forgets a deleted stream's tags: a new stream of the name starts with none", async () => {
        const name = uniqueName(`${OP}-del`);
        await createStream(name, 1);
        await ok(OP, request(name, { old: "1" }));
        await deleteStream(name);
        await createStream(name, 1);
        expect(await tagsOf(name)).toEqual([]);
      });
    },
  };
}

/** RemoveTagsFromStream and UntagResource. */
export function removeTagsCases(operation: string, target: TagTarget): TagCases {
  const OP = operation;
  const request = (name: string, keys: string[]) => ({ ...target.naming(name), TagKeys: keys });
  return {
    validation() {
      it("checks each key's length, once for the list", async () => {
        const long = "a".repeat(129);
        await expectValidation(OP, request("s", ["a", long, ""]), [
          failure(
            `'[a, ${long}, ]'`,
            "tagKeys",
            "Member must satisfy constraint: [Member must have length less than or equal to 128, " +
              "Member must have length greater than or equal to 1]",
          ),
        ]);
      });

      it("takes at most 50 keys", async () => {
        const keys = Array.from({ length: 51 }, (_, i) => `k${i}`);
        await expectValidation(OP, request("s", keys), [
          failure(`'[${keys.join(", ")}]'`, "tagKeys", rule.maxLength(50)),
        ]);
      });

      refusesMissingStream(OP, `${OP}-none`, (name) => request(name, ["a"]));

      it("answers a stream that does not exist with ResourceNotFoundException, before the keys' characters", async () => {
        const name = uniqueName(`${OP}-none`);
        await expectError(
          OP,
          request(name, [";"]),
          "ResourceNotFoundException",
          `Stream ${name} under account 000000000000 not found.`,
        );
      });

      it("refuses keys with characters AWS does not allow", async () => {
        const name = uniqueName(`${OP}-chars`);
        await createStream(name, 1);
        for (const bad of ["abc;def", "abc\tdef", "abc\ndef", "abc,def"]) {
          await expectError(OP, request(name, ["a", bad]), "InvalidArgumentException", INVALID);
        }
      });
    },

    behaviour() {
      it("removes the keys named, ignores keys the stream does not have, and answers with an empty body", async () => {
        const name = uniqueName(`${OP}-untag`);
        await createStream(name, 1);
        await tag(target, name, { a: "a", "ü0 _.": "a", "/=+-@": "a" });
        const answer = await call(OP, request(name, ["ü0 _.", "/=+-@", "b", "c"]));
        expect(answer.status).toBe(200);
        expect(answer.text).toBe("");
        expect(await tagsOf(name)).toEqual([{ Key: "a", Value: "a" }]);
      });

      it("succeeds on a stream with no tags", async () => {
        const name = uniqueName(`${OP}-empty`);
        await createStream(name, 1);
        await ok(OP, request(name, ["nothing"]));
        expect(await tagsOf(name)).toEqual([]);
      });

      it("frees room under the limit of 50", async () => {
        const name = uniqueName(`${OP}-room`);
        await createStream(name, 1);
        const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, ""]));
        await tag(target, name, tags);
        await ok(OP, request(name, ["k0"]));
        await tag(target, name, { new: "" });
        expect(await tagsOf(name)).toHaveLength(50);
      });
    },
  };
}

/**
 * ListTagsForStream and ListTagsForResource. `answer` is the operation's
 * whole answer when it lists `tags` and there are no more.
 */
export function listTagsCases(
  operation: string,
  target: TagTarget,
  answer: (tags: { Key: string; Value: string }[]) => Record<string, unknown>,
): Pick<TagCases, "behaviour"> {
  const OP = operation;
  return {
    behaviour() {
      it("lists no tags of an untagged stream", async () => {
        const name = uniqueName(`${OP}-empty`);
        await createStream(name, 1);
        expect(await ok(OP, target.naming(name))).toEqual(answer([]));
      });

      it("lists tags in key order, as Java orders strings", async () => {
        const name = uniqueName(`${OP}-order`);
        await createStream(name, 1);
        // U+FF21 sorts before U+1D400 in UTF-8 (and SQLite) but after it in UTF-16, Java's order.
        const keys = ["b", "a", "B", "10", "9", "\uff21", "\u{1d400}", "a b"];
        await tag(target, name, Object.fromEntries(keys.map((k) => [k, `v-${k}`])));
        const body = await ok(OP, target.naming(name));
        expect(body).toEqual(
          answer(
            ["10", "9", "B", "a", "a b", "b", "\u{1d400}", "\uff21"].map((k) => ({
              Key: k,
              Value: `v-${k}`,
            })),
          ),
        );
      });

      it("lists all 50 tags a stream may have, in key order, in one answer", async () => {
        const name = uniqueName(`${OP}-50`);
        await createStream(name, 1);
        const tags = Object.fromEntries(
          Array.from({ length: 50 }, (_, i) => [`k${String(49 - i).padStart(2, "0")}`, `${i}`]),
        );
        await tag(target, name, tags);
        const body = await ok(OP, target.naming(name));
        const listed = body.Tags as { Key: string; Value: string }[];
        expect(listed).toHaveLength(50);
        expect(listed[0]).toEqual({ Key: "k00", Value: "49" });
        expect(listed.map((t) => t.Key)).toEqual(Object.keys(tags).sort());
        expect(body).toEqual(answer(listed));
        expect(Object.keys(body)).toEqual(Object.keys(answer([])));
      });

      it("lists the Tags CreateStream was given", async () => {
        const name = uniqueName(`${OP}-create`);
        await ok("CreateStream", {
          StreamName: name,
          ShardCount: 1,
          Tags: { team: "data", empty: "" },
        });
        expect(await ok(OP, target.naming(name))).toEqual(
          answer([
            { Key: "empty", Value: "" },
            { Key: "team", Value: "data" },
          ]),
        );
      });
    },
  };
}

/**
 * What a ResourceARN may name, for TagResource, UntagResource and
 * ListTagsForResource; `body` is a request of the operation for `arn`. Call
 * inside `describe("validation")`.
 */
export function resourceArnCases(
  operation: string,
  body: (arn: string) => Record<string, unknown>,
): void {
  const OP = operation;

  it("matches ResourceARN against its pattern", async () => {
    for (const arn of [
      "arn:aws:kinesis:us-east-1:000000000000:table/x",
      "arn:aws:kinesis:us-east-1:0000:stream/x",
      "arn:aws:dynamodb:us-east-1:000000000000:stream/x",
    ]) {
      await expectValidation(OP, body(arn), [
        failure(`'${arn}'`, "resourceARN", rule.pattern(RESOURCE_ARN)),
      ]);
    }
  });

  it("does not find another account's or region's stream", async () => {
    const name = uniqueName(`${OP}-other`);
    await createStream(name, 1);
    await expectError(
      OP,
      body(`arn:aws:kinesis:us-east-1:111111111111:stream/${name}`),
      "ResourceNotFoundException",
      `Stream ${name} under account 111111111111 not found.`,
    );
    await expectError(
      OP,
      body(streamArnOf(name, "eu-west-1")),
      "ResourceNotFoundException",
      `Stream ${name} under account 000000000000 not found.`,
    );
  });

  it("does not find a consumer, since there are none yet", async () => {
    const name = uniqueName(`${OP}-consumer`);
    await createStream(name, 1);
    const arn = `${streamArnOf(name)}/consumer/app:1700000000`;
    await expectError(
      OP,
      body(arn),
      "ResourceNotFoundException",
      `Consumer ${arn} under account 000000000000 not found.`,
    );
  });

  it("refuses an ARN of the pattern that names no stream or consumer", async () => {
    const arn = "arn:aws:kinesis:us-east-1:000000000000:deliverystream/x";
    await expectError(OP, body(arn), "InvalidArgumentException", `Invalid ResourceARN ${arn}.`);
  });
}
