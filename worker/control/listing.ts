/**
 * ListStreams and ListShards: pages, their NextTokens, and ListShards'
 * ShardFilter.
 */
import type { Scope } from "../../src/kinesis/arn.js";
import { streamArn } from "../../src/kinesis/arn.js";
import {
  expiredNextToken,
  invalidNextToken,
  streamNameOrArnRequired,
  streamNotFound,
} from "../../src/kinesis/errors/index.js";
import type { ListShardsOutput, ListStreamsOutput } from "../../src/kinesis/model.js";
import {
  decodePageToken,
  encodePageToken,
  NEXT_TOKEN_LIFETIME_MS,
  type PageToken,
} from "../../src/kinesis/page-token.js";
import {
  number,
  object,
  oneOf,
  optional,
  parseJson,
  string,
  Undecodable,
} from "../storage/decode.js";
import { type ListShardsRequest, SHARD_FILTER_TYPES, type ShardFilter } from "./contract.js";
import type { ControlStore } from "./store.js";
import {
  findStream,
  HOUR_MS,
  listedShards,
  purgeDeleted,
  type ShardRow,
  shardOut,
  statusOf,
  streamsAfter,
} from "./stream-rows.js";

/** ListStreams, in name order, with ExclusiveStartStreamName or NextToken paging. */
export function listStreams(
  store: ControlStore,
  scope: Scope,
  page: { limit?: number; exclusiveStartStreamName?: string; nextToken?: string },
): ListStreamsOutput {
  const now = store.clock();
  purgeDeleted(store, now);
  const after =
    page.nextToken === undefined
      ? (page.exclusiveStartStreamName ?? "")
      : readPageToken(page.nextToken, now, "streams").after;
  const limit = Math.min(page.limit ?? 100, 100);
  const rows = streamsAfter(store, after, limit + 1);
  const pageRows = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = pageRows[pageRows.length - 1];
  const out: ListStreamsOutput = {
    StreamNames: pageRows.map((r) => r.name),
    HasMoreStreams: hasMore,
    StreamSummaries: pageRows.map((r) => ({
      StreamName: r.name,
      StreamARN: streamArn(scope, r.name),
      StreamStatus: statusOf(r, now),
      StreamModeDetails: { StreamMode: r.mode },
      StreamCreationTimestamp: new Date(r.created_at),
    })),
  };
  if (hasMore && last) {
    out.NextToken = encodePageToken({ scope: "", after: last.name, issuedAt: now });
  }
  return out;
}

/** ListShards, with NextToken, ExclusiveStartShardId, MaxResults and ShardFilter. */
export function listShards(
  store: ControlStore,
  scope: Scope,
  request: ListShardsRequest,
): ListShardsOutput {
  const now = store.clock();
  let { streamName, exclusiveStartShardId, filter } = request;
  if (request.nextToken !== undefined) {
    const token = readPageToken(request.nextToken, now, "shards");
    streamName = token.scope;
    exclusiveStartShardId = token.after || undefined;
    filter = token.state === undefined ? undefined : shardFilterOf(token.state);
  }
  if (streamName === undefined) throw streamNameOrArnRequired();
  const stream = findStream(store, streamName, now);
  if (
    !stream ||
    (request.streamCreationTimestamp !== undefined &&
      Math.floor(request.streamCreationTimestamp / 1000) !== Math.floor(stream.created_at / 1000))
  ) {
    throw streamNotFound(streamName, scope.account);
  }
  const trimHorizon = now - stream.retention_hours * HOUR_MS;
  const shards = listedShards(store, stream, now).filter(
    (s) =>
      (exclusiveStartShardId === undefined || s.shard_id > exclusiveStartShardId) &&
      (!filter || matchesFilter(s, filter, { now, trimHorizon, createdAt: stream.created_at })),
  );
  const limit = Math.min(request.maxResults ?? 1000, 1000);
  const pageShards = shards.slice(0, limit);
  const out: ListShardsOutput = { Shards: pageShards.map((s) => shardOut(stream, s)) };
  const last = pageShards[pageShards.length - 1];
  if (shards.length > limit && last) {
    out.NextToken = encodePageToken({
      scope: streamName,
      after: last.shard_id,
      issuedAt: now,
      ...(filter ? { state: JSON.stringify(filter) } : {}),
    });
  }
  return out;
}

/**
 * A NextToken's content. Tokens are not signed (they say nothing a caller may
 * not know), so everything in them is checked: a token of the wrong list, or
 * issued in the future, is invalid; an old one expired.
 */
function readPageToken(text: string, now: number, list: "streams" | "shards"): PageToken {
  const token = decodePageToken(text);
  if (!token || (list === "streams") !== (token.scope === "") || token.issuedAt > now) {
    throw invalidNextToken();
  }
  if (now - token.issuedAt > NEXT_TOKEN_LIFETIME_MS) throw expiredNextToken();
  return token;
}

const shardFilter = object({
  type: oneOf(SHARD_FILTER_TYPES),
  shardId: optional(string),
  timestamp: optional(number),
});

/** The ShardFilter a ListShards token carries; a token that carries no filter is invalid. */
function shardFilterOf(state: string): ShardFilter {
  try {
    return parseJson(state, shardFilter);
  } catch (error) {
    if (error instanceof Undecodable) throw invalidNextToken();
    throw error;
  }
}

/**
 * Whether a shard passes a ListShards ShardFilter. A shard is open at time t
 * when it was created by then and not yet closed.
 */
function matchesFilter(
  shard: ShardRow,
  filter: ShardFilter,
  at: { now: number; trimHorizon: number; createdAt: number },
): boolean {
  const openAt = (t: number) =>
    shard.created_at <= t && (shard.closed_at === null || shard.closed_at > t);
  switch (filter.type) {
    case "AFTER_SHARD_ID":
      return filter.shardId === undefined || shard.shard_id > filter.shardId;
    case "AT_TRIM_HORIZON":
      return openAt(Math.max(at.trimHorizon, at.createdAt));
    case "FROM_TRIM_HORIZON":
      return shard.closed_at === null || shard.closed_at > at.trimHorizon;
    case "AT_LATEST":
      return shard.closed_at === null;
    case "AT_TIMESTAMP":
      return openAt(Math.max(filter.timestamp ?? at.now, at.createdAt));
    case "FROM_TIMESTAMP":
      return shard.closed_at === null || shard.closed_at > (filter.timestamp ?? at.now);
  }
}
