/**
 * One shard of one stream incarnation: a Durable Object with SQLite storage
 * that owns the shard's ordered log.
 *
 * This class is the host only: its migrations and loading, its alarm, and
 * the RPC entry points of its contract (contract.ts). The rules live in the
 * modules beside it, one concept each:
 *
 * - state.ts: the shard as it stands (config, counter, closed or open), and
 *   creating, closing and dropping it;
 * - log.ts: appending and reading the log (GetRecords);
 * - iterators.ts: where each iterator type starts, and signing them;
 * - retention.ts: the retention cutoff and the alarm that trims the log;
 * - limits.ts: the shard's throughput limits;
 * - demand.ts: on-demand scaling, the shard's half;
 * - subscribers.ts: pushing each append to the shard's subscribers;
 *   subscribe.ts: SubscribeToShard's rules, over event-stream-sink.ts.
 *
 * Once the stream is deleted the object drops all its storage; any later call
 * (from a Worker with a stale shard map) is answered gone, and an append to a
 * shard closed by a reshard is answered closed.
 */
import { DurableObject } from "cloudflare:workers";
import type { ChildShard } from "../../src/kinesis/model.js";
import { answer, CLOSED, GONE, type Reply } from "../reply.js";
import { hasTable, migrate } from "../storage/migrate.js";
import { seamOver, TEST_SEAM, type TestSeam } from "../test-seam.js";
import type {
  Appended,
  Closing,
  IteratorRequest,
  ReadOutput,
  ShardConfig,
  ShardContract,
  SubscribeRequest,
} from "./contract.js";
import { issueIterator } from "./iterators.js";
import { appendTo, readFrom, recordCount } from "./log.js";
import { onTrimAlarm, setRetention } from "./retention.js";
import { SHARD_MIGRATIONS } from "./schema.js";
import type { PackedSegment } from "./segment.js";
import {
  closeShard,
  createShard,
  dropShard,
  loadState,
  type ShardState,
  setOnDemand,
} from "./state.js";
import type { ShardStore } from "./store.js";
import { subscribe } from "./subscribe.js";
import { endAll, newSubscribers, pushAll, pushAppended, subscriberCount } from "./subscribers.js";

export class Shard extends DurableObject<Env> implements ShardContract {
  readonly #store: ShardStore;
  #state: ShardState | undefined;
  /** Held in memory: a subscription lives as long as its connection. */
  readonly #subscribers = newSubscribers();
  /** Tests move this object's clock and settings through its seam (../test-seam.ts). */
  readonly [TEST_SEAM]: TestSeam;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = {
      sql: ctx.storage.sql,
      storage: ctx.storage,
      env,
      clock: () => Date.now(),
      waitUntil: (work) => ctx.waitUntil(work),
    };
    this[TEST_SEAM] = seamOver(this.#store);
    ctx.blockConcurrencyWhile(async () => {
      // A dropped or never-created shard has no tables; creating them here
      // would give storage back to an object that must stay empty.
      if (!hasTable(ctx.storage.sql, "meta")) return;
      migrate(ctx.storage.sql, SHARD_MIGRATIONS);
      const state = loadState(this.#store);
      this.#state = state;
      if (state) state.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** Deletes records past retention, then schedules the next trim. */
  override async alarm(): Promise<void> {
    const state = this.#state;
    if (state) await onTrimAlarm(this.#store, state);
  }

  /** Called once by the control plane; a repeat changes nothing. */
  async init(config: ShardConfig): Promise<Reply<void>> {
    return answer(() => {
      this.#state ??= createShard(this.#store, config);
    });
  }

  async drop(): Promise<Reply<void>> {
    endAll(this.#subscribers, this.#state);
    this.#state = undefined;
    return answer(() => dropShard(this.#store));
  }

  async close(children: ChildShard[]): Promise<Reply<Closing>> {
    const state = this.#state;
    if (!state) return GONE;
    return answer(() => {
      const closing = closeShard(this.#store, state, children);
      // Subscribers at the end are sent ChildShards now.
      pushAll(this.#store, state, this.#subscribers);
      return closing;
    });
  }

  async setOnDemand(onDemand: boolean): Promise<Reply<void>> {
    const state = this.#state;
    return answer(() => (state ? setOnDemand(this.#store, state, onDemand) : undefined));
  }

  async setRetention(hours: number): Promise<Reply<void>> {
    const state = this.#state;
    return answer(() => (state ? setRetention(this.#store, state, hours) : undefined));
  }

  async append(segments: readonly PackedSegment[]): Promise<Reply<Appended>> {
    const state = this.#state;
    if (!state) return GONE;
    if (state.status === "CLOSED") return CLOSED;
    return answer(async () => {
      const { appended, runs } = await appendTo(this.#store, state, segments);
      pushAppended(this.#store, state, this.#subscribers, runs);
      return appended;
    });
  }

  async iterator(request: IteratorRequest): Promise<Reply<string>> {
    const state = this.#state;
    if (!state) return GONE;
    return answer(() => issueIterator(this.#store, state, request));
  }

  async read(token: string, limit: number): Promise<Reply<ReadOutput>> {
    const state = this.#state;
    if (!state) return GONE;
    return answer(() => readFrom(this.#store, state, token, limit));
  }

  async subscribe(request: SubscribeRequest): Promise<Reply<ReadableStream<Uint8Array>>> {
    const state = this.#state;
    if (!state) return GONE;
    return answer(() => subscribe(this.#store, state, this.#subscribers, request));
  }

  /** How many subscriptions the shard is pushing to (tests and the console). */
  subscriberCount(): number {
    return subscriberCount(this.#subscribers);
  }

  async count(): Promise<Reply<number>> {
    return answer(() => (this.#state ? recordCount(this.#store) : 0));
  }
}
