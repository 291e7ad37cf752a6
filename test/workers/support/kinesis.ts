/**
 * Calls the Worker the way an AWS client does: POST / with X-Amz-Target and
 * a body in the current wire's encoding (AWS JSON 1.1 unless a
 * `describeEachWire` block says otherwise; see ./wire.ts), signed enough to
 * carry a credential scope. Requests are written, and answers read, in the
 * JSON view whatever the wire.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { encodeBase64 } from "../../../src/protocol/base64.js";
import type { ControlPlane } from "../../../worker/control/control-plane.js";
import type { Shard } from "../../../worker/shard/shard.js";
import { TEST_SEAM } from "../../../worker/test-seam.js";
import { type Answer, currentWire, send, viewOf } from "./wire.js";

export { type Answer, AUTH } from "./wire.js";

/** The account every stream of the tests lives in (wrangler.toml's ACCOUNT_ID). */
export const ACCOUNT = "000000000000";

export interface CallOptions {
  headers?: Record<string, string>;
  /** A body sent exactly as given, in place of the encoded `body`. */
  raw?: string | Uint8Array;
  region?: string;
}

export async function call(
  operation: string,
  body: unknown,
  options: CallOptions = {},
): Promise<Answer> {
  const wire = currentWire();
  const res = await send(wire, operation, options.raw ?? wire.encodeView(operation, body), options);
  return viewOf(wire, res);
}

/** Reads a response the way `call` does. */
export async function answerOf(res: Response): Promise<Answer> {
  return viewOf(currentWire(), res);
}

/** Calls and expects success; returns the body. */
export async function ok(
  operation: string,
  body: unknown,
  region?: string,
): Promise<Record<string, unknown>> {
  const answer = await call(operation, body, region ? { region } : {});
  if (answer.status !== 200)
    throw new Error(`${operation} failed: ${answer.status} ${answer.text}`);
  return answer.body;
}

let counter = 0;
/** A stream name no other test uses. */
export function uniqueName(prefix = "stream"): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}-${counter}`;
}

/**
 * Expects `operation` with `body` to fail with exactly this status, `__type`
 * and message, and with the headers every AWS error carries.
 */
export async function expectError(
  operation: string,
  body: unknown,
  type: string,
  message: string | undefined,
  options: CallOptions & { status?: number } = {},
): Promise<void> {
  const answer = await call(operation, body, options);
  expectFailure(answer, type, message, options.status);
}

/** Checks an answer is the error `type` with `message`, in AWS's form (in the JSON view). */
export function expectFailure(
  answer: Answer,
  type: string,
  message: string | undefined,
  status = 400,
): void {
  const expected: Record<string, string> = { __type: type };
  // AWS's serialization errors spell the field "Message"; every other error "message".
  if (message !== undefined)
    expected[type === "SerializationException" ? "Message" : "message"] = message;
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expected });
  expect(answer.headers.get("x-amzn-ErrorType")).toBe(type);
  expect(answer.headers.get("x-amzn-RequestId")).toMatch(UUID);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Expects a ValidationException listing exactly these failures, counted as AWS counts them. */
export async function expectValidation(
  operation: string,
  body: unknown,
  failures: readonly string[],
): Promise<void> {
  const n = failures.length;
  await expectError(
    operation,
    body,
    "ValidationException",
    `${n} validation error${n === 1 ? "" : "s"} detected: ${failures.join("; ")}`,
  );
}

/** One constraint failure, in AWS's words. `value` is rendered as given (quote it yourself). */
export function failure(value: string, path: string, rule: string): string {
  return `Value ${value} at '${path}' failed to satisfy constraint: ${rule}`;
}

export const rule = {
  notNull: "Member must not be null",
  minLength: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxLength: (n: number) => `Member must have length less than or equal to ${n}`,
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  pattern: (p: string) => `Member must satisfy regular expression pattern: ${p}`,
  enum: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(", ")}]`,
} as const;

/** The model's patterns, as AWS shows them in messages (without anchors). */
export const PATTERN = {
  streamName: "[a-zA-Z0-9_.-]+",
  shardId: "[a-zA-Z0-9_.-]+",
  streamArn: "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
  streamId: "[a-z0-9]{20}-[a-z0-9]{3}",
  sequenceNumber: "0|([1-9]\\d{0,128})",
  hashKey: "0|([1-9]\\d{0,38})",
} as const;

export type JsonKind =
  | "String"
  | "Integer"
  | "Boolean"
  | "Blob"
  | "Timestamp"
  | "List"
  | "Map"
  | "Structure";

/**
 * How the messages name a JSON number. kinesalite's latest recordings of AWS
 * say "com.amazon.coral.value.json.numbers.TruncatingBigNumber"; the service
 * (src/kinesis/parse-input.ts) says this, older AWS's wording.
 */
const NUMBER_CLASS = "java.math.BigDecimal";

/** For each JSON type a member does not accept: a value of that type and AWS's SerializationException message. */
export function wrongTypes(kind: JsonKind): [unknown, string][] {
  const list: [unknown, string] = [[], "Start of list found where not expected"];
  const struct: [unknown, string] = [{}, "Start of structure or map found where not expected."];
  switch (kind) {
    case "String":
      return [
        [true, "class java.lang.Boolean can not be converted to an String"],
        [23, `class ${NUMBER_CLASS} can not be converted to an String`],
        [34.56, `class ${NUMBER_CLASS} can not be converted to an String`],
        list,
        struct,
      ];
    case "Integer":
      return [
        ["23", "class java.lang.String can not be converted to an Integer"],
        [true, "class java.lang.Boolean can not be converted to an Integer"],
        list,
        struct,
      ];
    case "Boolean":
      return [
        ["23", "'23' can not be converted to an Boolean"],
        [23, `class ${NUMBER_CLASS} can not be converted to an Boolean`],
        list,
        struct,
      ];
    case "Blob":
      return [
        [true, "class java.lang.Boolean can not be converted to a Blob"],
        [23, `class ${NUMBER_CLASS} can not be converted to a Blob`],
        list,
        struct,
        [
          "23456",
          "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
        ],
        ["=+/=", "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
        [
          "+/+=",
          "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
        ],
      ];
    case "Timestamp":
      return [
        ["23", "class java.lang.String can not be converted to milliseconds since epoch"],
        [true, "class java.lang.Boolean can not be converted to milliseconds since epoch"],
        list,
        struct,
      ];
    case "List":
      return [
        ["23", "Expected list or null"],
        [true, "Expected list or null"],
        [23, "Expected list or null"],
        struct,
      ];
    case "Map":
      return [
        ["23", "Expected map or null"],
        [true, "Expected map or null"],
        [23, "Expected map or null"],
        list,
      ];
    case "Structure":
      return [["23", "Expected null"], [true, "Expected null"], [23, "Expected null"], list];
  }
}

/**
 * Puts `value` at `path` ("Records.0.Data": member Records, item 0, member
 * Data) of an otherwise empty body.
 */
export function bodyWith(path: string, value: unknown): Record<string, unknown> {
  const pieces = path.split(".");
  const root: Record<string, unknown> = {};
  let node: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? "";
    const last = i === pieces.length - 1;
    const next: Record<string, unknown> | unknown[] | unknown = last
      ? value
      : pieces[i + 1] === "0"
        ? []
        : {};
    if (Array.isArray(node)) node[0] = next;
    else node[piece] = next;
    if (!last) node = next as Record<string, unknown> | unknown[];
  }
  return root;
}

/** Expects every wrong JSON type at `path` to be refused with AWS's SerializationException. */
export async function expectWrongTypes(
  operation: string,
  path: string,
  kind: JsonKind,
): Promise<void> {
  for (const [value, message] of wrongTypes(kind)) {
    await expectError(operation, bodyWith(path, value), "SerializationException", message);
  }
}

/**
 * One test per member: every wrong JSON type at that member is refused with
 * AWS's SerializationException. Over CBOR the same values go out as the CBOR
 * items of the same types, and are refused in the same words. Call inside a
 * `describe("serialization")`.
 */
export function refusesWrongTypes(operation: string, members: [string, JsonKind][]): void {
  for (const [path, kind] of members) {
    it(`refuses a ${path} that is not a ${kind}`, async () => {
      await expectWrongTypes(operation, path, kind);
    });
  }
}

/** Base64 of bytes, as AWS JSON carries blobs. */
export function b64(data: Uint8Array | string): string {
  return encodeBase64(typeof data === "string" ? new TextEncoder().encode(data) : data);
}

/** Decodes a base64 blob from a response. */
export function unb64(text: unknown): Uint8Array {
  if (typeof text !== "string") throw new Error(`not base64: ${String(text)}`);
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Polls until `check` returns a value (not undefined), or gives up after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await scheduler.wait(10);
  }
}

/** The stream's status, or undefined when it does not exist. */
export async function streamStatus(name: string, region?: string): Promise<string | undefined> {
  const answer = await call(
    "DescribeStreamSummary",
    { StreamName: name },
    region ? { region } : {},
  );
  if (answer.status !== 200) return undefined;
  const summary = answer.body.StreamDescriptionSummary as { StreamStatus: string };
  return summary.StreamStatus;
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(
  name: string,
  shardCount: number,
  region?: string,
): Promise<void> {
  await ok("CreateStream", { StreamName: name, ShardCount: shardCount }, region);
  await waitFor(
    async () => ((await streamStatus(name, region)) === "ACTIVE" ? true : undefined),
    `${name} to become ACTIVE`,
  );
}

/** Deletes a stream and waits until it is gone. */
export async function deleteStream(name: string, region?: string): Promise<void> {
  await ok("DeleteStream", { StreamName: name }, region);
  await waitFor(
    async () => ((await streamStatus(name, region)) === undefined ? true : undefined),
    `${name} to be deleted`,
  );
}

/** The hash key of a partition key: its MD5 read as an unsigned 128-bit big-endian integer. */
export async function md5HashKey(partitionKey: string): Promise<bigint> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("MD5", new TextEncoder().encode(partitionKey)),
  );
  let hex = "0x";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return BigInt(hex);
}

/** 2^128 - 1. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** A shard as ListShards and DescribeStream describe it. */
export interface ShardDescription {
  ShardId: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
  ParentShardId?: string;
  AdjacentParentShardId?: string;
}

/** The shards of a stream, through ListShards. */
export async function listShards(name: string): Promise<ShardDescription[]> {
  const body = await ok("ListShards", { StreamName: name });
  return body.Shards as ShardDescription[];
}

/** A record as GetRecords returns it. */
export interface RecordOut {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: number;
  Data: string;
  PartitionKey: string;
}

/** An iterator of one shard. */
export async function shardIterator(
  name: string,
  shardId: string,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const body = await ok("GetShardIterator", {
    StreamName: name,
    ShardId: shardId,
    ShardIteratorType: type,
    ...extra,
  });
  const iterator = body.ShardIterator;
  if (typeof iterator !== "string") throw new Error("no ShardIterator");
  return iterator;
}

/** One GetRecords call. */
export async function getRecords(
  iterator: string,
  limit?: number,
): Promise<{ Records: RecordOut[]; NextShardIterator?: string; MillisBehindLatest: number }> {
  const body = await ok(
    "GetRecords",
    limit === undefined ? { ShardIterator: iterator } : { ShardIterator: iterator, Limit: limit },
  );
  return body as unknown as {
    Records: RecordOut[];
    NextShardIterator?: string;
    MillisBehindLatest: number;
  };
}

/** The incarnation the control plane gave a stream (it names the stream's shard objects). */
export async function incarnationOf(name: string, region = "us-east-1"): Promise<string> {
  const control = env.CONTROL.get(env.CONTROL.idFromName(`${ACCOUNT}/${region}`));
  const reply = await control.route({ account: ACCOUNT, region }, name);
  if (!("ok" in reply)) throw new Error(`no route to ${name}: ${JSON.stringify(reply)}`);
  return reply.ok.incarnation;
}

/** The Durable Object of one shard of a live stream. */
export async function shardObject(name: string, shardId: string) {
  const incarnation = await incarnationOf(name);
  return env.SHARD.get(env.SHARD.idFromName(`${incarnation}/${shardId}`));
}

/** A stream's ARN, as the tests' account has it. */
export function streamArnOf(name: string, region = "us-east-1"): string {
  return `arn:aws:kinesis:${region}:${ACCOUNT}:stream/${name}`;
}

/**
 * A region no other test uses, so its control plane (shard counts, settings,
 * clock) is the test's own. Shaped like AWS's region names (xx-name-1), as
 * the front door takes no others.
 */
export function freshRegion(prefix = "r"): string {
  const letters = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) =>
    String.fromCharCode(97 + (b % 26)),
  ).join("");
  return `zz-${prefix.replace(/[^a-z]/g, "")}${letters}-1`;
}

/** The control-plane Durable Object of the tests' account in `region`. */
export function controlObject(region = "us-east-1") {
  return env.CONTROL.get(env.CONTROL.idFromName(`${ACCOUNT}/${region}`));
}

/**
 * Sets the clock of a region's control plane (stream status, account
 * settings); `undefined` gives it back the real clock. Use a fresh region.
 */
export async function setControlClock(region: string, now: number | undefined): Promise<void> {
  await runInDurableObject(controlObject(region), (instance: ControlPlane) => {
    instance[TEST_SEAM].setClock(now === undefined ? undefined : () => now);
  });
}

/** Sets the clock of one shard of a live stream (retention, iterators). */
export async function setShardClock(name: string, shardId: string, now: number): Promise<void> {
  await runInDurableObject(await shardObject(name, shardId), (instance: Shard) => {
    instance[TEST_SEAM].setClock(() => now);
  });
}

/** Enables the account's MinimumThroughputBillingCommitment in `region`. */
export async function enableCommitment(region?: string): Promise<void> {
  await ok(
    "UpdateAccountSettings",
    { MinimumThroughputBillingCommitment: { Status: "ENABLED" } },
    region,
  );
}

/** Creates an ON_DEMAND stream and waits until it is ACTIVE. */
export async function createOnDemandStream(name: string, region?: string): Promise<void> {
  await ok(
    "CreateStream",
    { StreamName: name, StreamModeDetails: { StreamMode: "ON_DEMAND" } },
    region,
  );
  await waitFor(
    async () => ((await streamStatus(name, region)) === "ACTIVE" ? true : undefined),
    `${name} to become ACTIVE`,
  );
}

/** A stream's DescribeStreamSummary. */
export async function summaryOf(name: string, region?: string): Promise<Record<string, unknown>> {
  const body = await ok("DescribeStreamSummary", { StreamName: name }, region);
  return body.StreamDescriptionSummary as Record<string, unknown>;
}

/** A stream's tags, through ListTagsForStream. */
export async function tagsOf(
  name: string,
  region?: string,
): Promise<{ Key: string; Value: string }[]> {
  const body = await ok("ListTagsForStream", { StreamName: name }, region);
  return body.Tags as { Key: string; Value: string }[];
}

/**
 * A stream made to look CREATING: its region's control-plane clock is set
 * back before its creation. Give the clock back with `setControlClock(region, undefined)`.
 */
/**
 * Expects `operation` on a stream that is still CREATING to be refused with
 * AWS's ResourceInUseException; `body` builds the request for the stream.
 * Returns the stream, so a test can check nothing changed.
 */
export async function expectRefusedWhileCreating(
  operation: string,
  prefix: string,
  body: (name: string, region: string) => Record<string, unknown>,
  shards = 1,
): Promise<{ name: string; region: string }> {
  const { name, region } = await creatingStream(prefix, shards);
  try {
    await expectError(
      operation,
      body(name, region),
      "ResourceInUseException",
      `Stream ${name} under account 000000000000 not ACTIVE, instead in state CREATING`,
      { region },
    );
  } finally {
    await setControlClock(region, undefined);
  }
  return { name, region };
}

export async function creatingStream(
  prefix: string,
  shards = 1,
): Promise<{ name: string; region: string }> {
  const region = freshRegion(prefix);
  const name = uniqueName(prefix);
  await createStream(name, shards, region);
  await setControlClock(region, Date.now() - 3_600_000);
  return { name, region };
}

/** A clock the test moves by hand. */
export interface ManualClock {
  now: number;
  advance(ms: number): void;
}

/**
 * Turns a shard's throughput limits on (the test project runs with
 * KINESIS_LIMITS=off) and gives it a clock that moves only when the test
 * says, starting now with full buckets.
 */
export async function limitShard(name: string, shardId: string): Promise<ManualClock> {
  const clock: ManualClock = {
    now: Date.now(),
    advance(ms) {
      clock.now += ms;
    },
  };
  await runInDurableObject(await shardObject(name, shardId), (instance: Shard) => {
    instance[TEST_SEAM].setClock(() => clock.now);
    instance[TEST_SEAM].setVars({ KINESIS_LIMITS: "on" });
  });
  return clock;
}

/** Waits until a stream is ACTIVE again (after a reshard, it is UPDATING for UPDATE_STREAM_MS). */
export async function waitForActive(name: string, region?: string): Promise<void> {
  await waitFor(
    async () => ((await streamStatus(name, region)) === "ACTIVE" ? true : undefined),
    `${name} to be ACTIVE`,
  );
}

/** Sets the shard limit a region's control plane enforces (SHARD_LIMIT), for tests of it. */
export async function setShardLimit(region: string, limit: number): Promise<void> {
  await runInDurableObject(controlObject(region), (instance: ControlPlane) => {
    instance[TEST_SEAM].setVars({ SHARD_LIMIT: String(limit) });
  });
}

/** A record as read by following a stream's lineage. */
export interface LineageRecord extends RecordOut {
  ShardId: string;
}

/**
 * Reads a whole stream the way a Kinesis consumer does: every shard from
 * TRIM_HORIZON, a child only once all of its parents are read to their end
 * (GetRecords answers ChildShards and no NextShardIterator there), and open
 * shards until a page comes back empty and caught up.
 */
export async function readLineage(name: string): Promise<LineageRecord[]> {
  const shards = await listShards(name);
  const finished = new Set<string>();
  const started = new Set<string>();
  const out: LineageRecord[] = [];
  const parentsOf = (s: ShardDescription) =>
    [s.ParentShardId, s.AdjacentParentShardId].filter(
      (p): p is string => p !== undefined && shards.some((o) => o.ShardId === p),
    );
  for (let progress = true; progress; ) {
    progress = false;
    for (const shard of shards) {
      if (started.has(shard.ShardId)) continue;
      if (!parentsOf(shard).every((p) => finished.has(p))) continue;
      started.add(shard.ShardId);
      progress = true;
      let iterator: string | undefined = await shardIterator(name, shard.ShardId, "TRIM_HORIZON");
      while (iterator !== undefined) {
        const page = await ok("GetRecords", { ShardIterator: iterator });
        const records = page.Records as RecordOut[];
        for (const record of records) out.push({ ...record, ShardId: shard.ShardId });
        iterator = page.NextShardIterator as string | undefined;
        if (iterator === undefined) finished.add(shard.ShardId);
        else if (records.length === 0 && page.MillisBehindLatest === 0) break;
      }
    }
  }
  return out;
}

/**
 * One test: the operation, asked about a stream that does not exist, answers
 * AWS's ResourceNotFoundException. Call inside a `describe("behaviour")`.
 */
export function refusesMissingStream(
  operation: string,
  prefix: string,
  body: (name: string) => Record<string, unknown>,
): void {
  it("answers a stream that does not exist with ResourceNotFoundException", async () => {
    const name = uniqueName(prefix);
    await expectError(
      operation,
      body(name),
      "ResourceNotFoundException",
      `Stream ${name} under account ${ACCOUNT} not found.`,
    );
  });
}
