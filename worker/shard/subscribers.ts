/**
 * The shard's subscribers: consumers it pushes its records to, as they are
 * appended, rather than waiting to be polled (SubscribeToShard; WebSocket
 * subscriptions share the same rules).
 *
 * Each subscriber has a position (the next record it is owed) and a sink
 * that carries events to it. The shard pushes when a record is appended,
 * when a write to the subscriber completes, and on a timer (the heartbeat,
 * the end of the session, a throughput bucket refilling):
 *
 * - A subscriber at the tip is sent the records just appended, from memory;
 *   every such subscriber of the same wire shares one encoding of the event.
 * - One that is behind (it was slow to take its last event, or its 2 MiB/s
 *   ran out, or it started in the past) is sent what it is owed, read from
 *   the log, one event at a time.
 * - Each subscriber has at most one event in flight. A slow one therefore
 *   holds one event's memory, falls behind (its MillisBehindLatest grows),
 *   and catches up from the log when it is ready; it never holds up writers.
 * - An idle subscriber gets an empty event every 5 seconds, as AWS sends
 *   them, so its client knows the subscription is alive and where it stands.
 * - At the end of a closed shard the last event carries ChildShards and no
 *   continuation, and the subscription ends.
 * - A session ends cleanly after SUBSCRIBE_SESSION_MS (AWS: 5 minutes).
 */
import { type KinesisError, subscribedStreamDeleted } from "../../src/kinesis/errors/index.js";
import type { ChildShard } from "../../src/kinesis/model.js";
import type { TokenBucket } from "../../src/kinesis/throughput.js";
import { readWholeNumber } from "../../src/settings/values.js";
import type { RecordRun } from "./contract.js";
import { subscriberBucket } from "./limits.js";
import { behindLatest, readRange } from "./log.js";
import { endingOf, type ShardState } from "./state.js";
import type { ShardStore } from "./store.js";

/** AWS sends an event at least this often, records or none. */
export const HEARTBEAT_MS = 5000;
/** AWS ends a SubscribeToShard session after 5 minutes; SUBSCRIBE_SESSION_MS changes it. */
export const SESSION_MS = 5 * 60 * 1000;
/** A newer subscription of the same consumer and shard within this of the older one is refused. */
export const TAKEOVER_MS = 5000;
/** An event read from the log carries at most this much data (but always one record). */
const MAX_EVENT_BYTES = 2 * 1024 * 1024;
/** An event carries at most this many records, GetRecords' own limit. */
const MAX_EVENT_RECORDS = 10000;

/** One event for a subscriber, before its wire encodes it. */
export interface PushedEvent {
  readonly runs: readonly RecordRun[];
  /**
   * The position after the last record the subscriber has been sent, or
   * null on the last event of a closed shard (AWS then sends no
   * ContinuationSequenceNumber).
   */
  readonly next: number | null;
  readonly millisBehindLatest: number;
  readonly childShards?: readonly ChildShard[];
  /** Encodings of this event by wire, so subscribers of one wire share one. */
  readonly encoded: Map<string, Uint8Array>;
}

/** How events reach one subscriber: the event stream of SubscribeToShard, or a WebSocket. */
export interface SubscriberSink {
  /** Sinks of the same wire encode an event identically (and share the bytes). */
  readonly wire: string;
  /** The event's bytes on this wire; `format` gives a position's sequence number. */
  encode(event: PushedEvent, format: (position: number) => string): Uint8Array;
  /** Sends bytes; settles when the peer has taken them, rejects when it is gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the subscription: cleanly, or with an error its peer is told. */
  end(error?: KinesisError): void;
}

interface Subscriber {
  /** Who holds it: a consumer ARN, for the takeover rule. */
  readonly holder: string;
  readonly startedAt: number;
  readonly endsAt: number;
  readonly sink: SubscriberSink;
  readonly bucket: TokenBucket | undefined;
  /** The next position owed. */
  position: number;
  lastSentAt: number;
  writing: boolean;
  done: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Ends the session on time even while a write hangs (a client gone unnoticed). */
  ending: ReturnType<typeof setTimeout> | undefined;
}

/** The records last appended, as one event every subscriber at the tip can be sent. */
interface Tip {
  readonly first: number;
  readonly next: number;
  readonly bytes: number;
  readonly event: PushedEvent;
}

/** A shard's subscribers; the host keeps one, in memory only. */
export interface Subscribers {
  readonly all: Set<Subscriber>;
  tip: Tip | undefined;
}

export function newSubscribers(): Subscribers {
  return { all: new Set(), tip: undefined };
}

/** What a new subscriber needs. */
export interface NewSubscriber {
  readonly holder: string;
  /** The position of the first record it is owed. */
  readonly start: number;
  readonly sink: SubscriberSink;
}

/**
 * The subscriber of `holder` now, if any: the caller applies the takeover
 * rule (TAKEOVER_MS) before it adds another.
 */
export function heldBy(
  subscribers: Subscribers,
  holder: string,
): { readonly startedAt: number; readonly end: (error: KinesisError) => void } | undefined {
  for (const s of subscribers.all) {
    if (s.holder === holder && !s.done)
      return { startedAt: s.startedAt, end: (e) => finish(subscribers, s, e) };
  }
  return undefined;
}

/** Adds a subscriber and starts pushing to it. */
export function addSubscriber(
  store: ShardStore,
  state: ShardState,
  subscribers: Subscribers,
  request: NewSubscriber,
): void {
  const now = store.clock();
  const session = readWholeNumber(store.env.SUBSCRIBE_SESSION_MS ?? "") ?? SESSION_MS;
  const subscriber: Subscriber = {
    holder: request.holder,
    startedAt: now,
    endsAt: now + session,
    sink: request.sink,
    bucket: subscriberBucket(store, now),
    // Positions start at 1; TRIM_HORIZON asks for 0.
    position: Math.max(1, request.start),
    lastSentAt: now,
    writing: false,
    done: false,
    timer: undefined,
    ending: undefined,
  };
  // A client's going away does not always reach the shard (workerd does not
  // pass every cancel through RPC), and then its write never settles. This
  // timer ends such a session anyway, so a stale one lasts no longer than a
  // live one, and a takeover evicts it sooner.
  subscriber.ending = setTimeout(() => finish(subscribers, subscriber), session);
  subscribers.all.add(subscriber);
  push(store, state, subscribers, subscriber);
}

/** Pushes the records just appended (their runs, in order) to every subscriber. */
export function pushAppended(
  store: ShardStore,
  state: ShardState,
  subscribers: Subscribers,
  runs: readonly RecordRun[],
): void {
  if (subscribers.all.size === 0) return;
  const first = runs[0];
  if (first === undefined) return;
  let bytes = 0;
  for (const run of runs) bytes += run.body.byteLength;
  subscribers.tip = {
    first: first.firstPosition,
    next: state.nextPosition,
    bytes,
    event: { runs, next: state.nextPosition, millisBehindLatest: 0, encoded: new Map() },
  };
  pushAll(store, state, subscribers);
}

/** Pushes to every subscriber what it is owed (after a close, say). */
export function pushAll(store: ShardStore, state: ShardState, subscribers: Subscribers): void {
  for (const s of subscribers.all) push(store, state, subscribers, s);
}

/** Ends every subscription: the stream was deleted. */
export function endAll(subscribers: Subscribers, state: ShardState | undefined): void {
  const error = state
    ? subscribedStreamDeleted(state.config.streamName, state.config.account)
    : undefined;
  for (const s of subscribers.all) finish(subscribers, s, error);
}

/** How many subscribers the shard has (for tests and the console). */
export function subscriberCount(subscribers: Subscribers): number {
  return subscribers.all.size;
}

/** Sends `subscriber` its next event, if it is owed one and has none in flight. */
function push(store: ShardStore, state: ShardState, subscribers: Subscribers, s: Subscriber): void {
  if (s.done || s.writing) return;
  stopTimer(s);
  const now = store.clock();
  if (now >= s.endsAt) {
    finish(subscribers, s);
    return;
  }
  const ending = endingOf(state);
  if (ending !== undefined && s.position > ending) {
    send(store, state, subscribers, s, {
      runs: [],
      next: null,
      millisBehindLatest: 0,
      childShards: state.children,
      encoded: new Map(),
    });
    return;
  }
  if (s.position < state.nextPosition) {
    const budget = s.bucket ? s.bucket.tokens(now) : MAX_EVENT_BYTES;
    if (budget <= 0 && s.bucket) {
      // Wait for the bucket to hold a record's worth again.
      wake(store, state, subscribers, s, now + Math.ceil((-budget / s.bucket.rate) * 1000) + 1);
      return;
    }
    const tip = subscribers.tip;
    if (tip && tip.first === s.position && tip.next === state.nextPosition && tip.bytes <= budget) {
      s.position = tip.next;
      s.bucket?.take(tip.bytes, now);
      send(store, state, subscribers, s, tip.event);
      return;
    }
    const read = readRange(
      store,
      state,
      s.position,
      MAX_EVENT_RECORDS,
      Math.min(MAX_EVENT_BYTES, Math.max(1, budget)),
      now,
    );
    // Records trimmed by retention are skipped, as GetRecords skips them.
    s.position = read.records > 0 ? read.next : state.nextPosition;
    s.bucket?.take(read.bytes, now);
    if (read.records > 0 || now - s.lastSentAt >= HEARTBEAT_MS) {
      send(store, state, subscribers, s, {
        runs: read.runs,
        next: s.position,
        millisBehindLatest: behindLatest(
          store,
          state,
          { next: s.position, lastArrival: read.lastArrival },
          now,
        ),
        encoded: new Map(),
      });
      return;
    }
  }
  if (now - s.lastSentAt >= HEARTBEAT_MS) {
    send(store, state, subscribers, s, {
      runs: [],
      next: s.position,
      millisBehindLatest: 0,
      encoded: new Map(),
    });
    return;
  }
  wake(store, state, subscribers, s, Math.min(s.lastSentAt + HEARTBEAT_MS, s.endsAt));
}

/** Sends one event; the next push waits until the sink has taken it. */
function send(
  store: ShardStore,
  state: ShardState,
  subscribers: Subscribers,
  s: Subscriber,
  event: PushedEvent,
): void {
  let bytes = event.encoded.get(s.sink.wire);
  if (!bytes) {
    bytes = s.sink.encode(event, state.formatSequence);
    event.encoded.set(s.sink.wire, bytes);
  }
  s.writing = true;
  s.lastSentAt = store.clock();
  s.sink.write(bytes).then(
    () => {
      s.writing = false;
      if (event.next === null) finish(subscribers, s);
      else push(store, state, subscribers, s);
    },
    // The peer is gone: a failed write is the only sign some transports give.
    () => finish(subscribers, s),
  );
}

/** Pushes to `s` again at `at`. */
function wake(
  store: ShardStore,
  state: ShardState,
  subscribers: Subscribers,
  s: Subscriber,
  at: number,
): void {
  s.timer = setTimeout(
    () => {
      s.timer = undefined;
      push(store, state, subscribers, s);
    },
    Math.max(0, at - store.clock()),
  );
}

/** Ends a subscription and forgets it. */
function finish(subscribers: Subscribers, s: Subscriber, error?: KinesisError): void {
  if (s.done) return;
  s.done = true;
  stopTimers(s);
  subscribers.all.delete(s);
  if (subscribers.all.size === 0) subscribers.tip = undefined;
  s.sink.end(error);
}

function stopTimers(s: Subscriber): void {
  stopTimer(s);
  if (s.ending !== undefined) clearTimeout(s.ending);
  s.ending = undefined;
}

function stopTimer(s: Subscriber): void {
  if (s.timer !== undefined) clearTimeout(s.timer);
  s.timer = undefined;
}
