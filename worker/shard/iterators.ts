/**
 * Shard iterators, the shard's half: where each iterator type starts, the
 * token it is handed out as, and the check that a token GetRecords brings
 * names this shard and has not expired.
 */
import { ITERATOR_LIFETIME_MS } from "../../src/kinesis/constraints.js";
import {
  expiredIterator,
  invalidShardIterator,
  sequenceNumberOfOtherShard,
  sequenceNumberOfOtherStream,
  startingSequenceNumberInvalid,
  timestampInFuture,
} from "../../src/kinesis/errors/index.js";
import { javaDate } from "../../src/kinesis/java-date.js";
import { formatShardId, parseSequenceNumber } from "../../src/kinesis/sequence-number.js";
import { parseIterator } from "../../src/kinesis/shard-iterator.js";
import type { IteratorRequest } from "./contract.js";
import { admitIterator } from "./limits.js";
import { cutoff } from "./retention.js";
import { endingOf, type ShardState } from "./state.js";
import type { ShardStore } from "./store.js";

/** Issues a shard iterator (GetShardIterator). */
export function issueIterator(
  store: ShardStore,
  state: ShardState,
  request: IteratorRequest,
): Promise<string> {
  const position = startPosition(store, state, request);
  admitIterator(store, state);
  return sign(store, state, position);
}

/** The token of an iterator at `position`, issued now. */
export function sign(store: ShardStore, state: ShardState, position: number): Promise<string> {
  const { config } = state;
  return state.signer.sign({
    issuedAt: store.clock(),
    position: BigInt(position),
    shardIndex: config.shardIndex,
    incarnation: config.incarnation,
    streamName: config.streamName,
  });
}

/**
 * The position a token read at `now` starts from. The Worker has already
 * checked the token's MAC before naming this object (actions/get-records.ts),
 * so here it is only parsed and matched against this shard: one HMAC per
 * read, not two.
 */
export function positionOf(state: ShardState, token: string, now: number): number {
  const claims = parseIterator(token);
  const { config } = state;
  if (
    !claims ||
    claims.incarnation !== config.incarnation ||
    claims.shardIndex !== config.shardIndex ||
    claims.streamName !== config.streamName
  ) {
    throw invalidShardIterator();
  }
  if (now - claims.issuedAt > ITERATOR_LIFETIME_MS) {
    throw expiredIterator(javaDate(claims.issuedAt), javaDate(now), ITERATOR_LIFETIME_MS);
  }
  return Number(claims.position);
}

/** The position an iterator, or a subscription, of this type starts at. */
export function startPosition(
  store: ShardStore,
  state: ShardState,
  request: IteratorRequest,
): number {
  const { config } = state;
  switch (request.type) {
    case "TRIM_HORIZON":
      return 0;
    case "LATEST": {
      const ending = endingOf(state);
      return ending === undefined ? state.nextPosition : ending + 1;
    }
    case "AT_TIMESTAMP": {
      const at = request.timestamp ?? 0;
      const now = store.clock();
      if (!(at <= now)) throw timestampInFuture(at, now);
      const row = store.sql
        .exec<{ position: number }>(
          "SELECT first_position AS position FROM segments WHERE arrival >= ? ORDER BY arrival, first_position LIMIT 1",
          Math.max(at, cutoff(store, state)),
        )
        .toArray()[0];
      return row ? row.position : state.nextPosition;
    }
    case "AT_SEQUENCE_NUMBER":
    case "AFTER_SEQUENCE_NUMBER": {
      const text = request.sequenceNumber ?? "";
      const parts = parseSequenceNumber(text);
      if (!parts) {
        throw startingSequenceNumberInvalid(
          text,
          config.shardId,
          config.streamName,
          config.account,
        );
      }
      if (parts.shardIndex !== config.shardIndex) {
        throw sequenceNumberOfOtherShard(formatShardId(parts.shardIndex), config.shardId);
      }
      if (parts.epoch !== config.epoch) {
        throw sequenceNumberOfOtherStream(text, config.shardId, config.streamName, config.account);
      }
      const position = Number(parts.position);
      return request.type === "AT_SEQUENCE_NUMBER" ? position : position + 1;
    }
  }
}
