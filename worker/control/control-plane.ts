/**
 * The control plane of one account and region: streams, their shard maps and
 * lineage, their tags and settings, and the account's settings. One Durable
 * Object per scope, so one scope never sees another's streams. The data plane
 * does not pass through here on each request; the Worker caches `route()`
 * answers.
 *
 * This class is the host only: its migrations and recovery, and the RPC
 * entry points of its contract. The rules live in the modules beside it,
 * one concept each (streams, listing, tags, stream settings, account,
 * quotas, capacity, split and merge, reshard plans).
 */
import { DurableObject } from "cloudflare:workers";
import type { Scope } from "../../src/kinesis/arn.js";
import type { ShardLevelMetric, StreamMode } from "../../src/kinesis/constraints.js";
import { answer, type Reply } from "../reply.js";
import { migrate } from "../storage/migrate.js";
import { seamOver, TEST_SEAM, type TestSeam } from "../test-seam.js";
import {
  describeAccountSettings,
  describeLimits,
  serverSecret,
  updateAccountSettings,
} from "./account.js";
import { scaleUp, updateShardCount, updateStreamMode } from "./capacity.js";
import type {
  ControlContract,
  CreateStreamRequest,
  ListShardsRequest,
  TagPage,
} from "./contract.js";
import { listShards, listStreams } from "./listing.js";
import { resumeReshards } from "./reshard.js";
import { CONTROL_MIGRATIONS } from "./schema.js";
import { mergeShards, splitShard } from "./split-merge.js";
import type { ControlStore } from "./store.js";
import {
  changeMonitoring,
  changeRetention,
  updateMaxRecordSize,
  updateWarmThroughput,
} from "./stream-settings.js";
import {
  createStream,
  deleteStream,
  describeStream,
  describeStreamSummary,
  route,
} from "./streams.js";
import { addTags, listTags, removeTags } from "./tags.js";

export class ControlPlane extends DurableObject<Env> implements ControlContract {
  readonly #store: ControlStore;
  /** Tests move this object's clock and settings through its seam (../test-seam.ts). */
  readonly [TEST_SEAM]: TestSeam;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = {
      sql: ctx.storage.sql,
      storage: ctx.storage,
      env,
      clock: () => Date.now(),
      exclusive: (work) => ctx.blockConcurrencyWhile(work),
    };
    this[TEST_SEAM] = seamOver(this.#store);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage.sql, CONTROL_MIGRATIONS);
      // A reshard a crash interrupted is finished before anything else runs.
      await resumeReshards(this.#store);
    });
  }

  serverSecret(): Promise<Reply<string>> {
    return answer(() => serverSecret(this.#store));
  }

  createStream(scope: Scope, request: CreateStreamRequest) {
    return answer(() => createStream(this.#store, scope, request));
  }

  deleteStream(scope: Scope, name: string) {
    return answer(() => deleteStream(this.#store, scope, name));
  }

  describeStream(
    scope: Scope,
    name: string,
    page: { limit?: number; exclusiveStartShardId?: string },
  ) {
    return answer(() => describeStream(this.#store, scope, name, page));
  }

  describeStreamSummary(scope: Scope, name: string) {
    return answer(() => describeStreamSummary(this.#store, scope, name));
  }

  listStreams(
    scope: Scope,
    page: { limit?: number; exclusiveStartStreamName?: string; nextToken?: string },
  ) {
    return answer(() => listStreams(this.#store, scope, page));
  }

  listShards(scope: Scope, request: ListShardsRequest) {
    return answer(() => listShards(this.#store, scope, request));
  }

  addTags(scope: Scope, name: string, tags: Record<string, string>) {
    return answer(() => addTags(this.#store, scope, name, tags));
  }

  removeTags(scope: Scope, name: string, keys: readonly string[]) {
    return answer(() => removeTags(this.#store, scope, name, keys));
  }

  listTags(scope: Scope, name: string, page: TagPage) {
    return answer(() => listTags(this.#store, scope, name, page));
  }

  changeRetention(scope: Scope, name: string, hours: number, change: "increase" | "decrease") {
    return answer(() => changeRetention(this.#store, scope, name, hours, change));
  }

  updateMaxRecordSize(scope: Scope, name: string, kib: number) {
    return answer(() => updateMaxRecordSize(this.#store, scope, name, kib));
  }

  changeMonitoring(
    scope: Scope,
    name: string,
    metrics: readonly (ShardLevelMetric | "ALL")[],
    change: "enable" | "disable",
  ) {
    return answer(() => changeMonitoring(this.#store, scope, name, metrics, change));
  }

  updateWarmThroughput(scope: Scope, name: string, mibps: number) {
    return answer(() => updateWarmThroughput(this.#store, scope, name, mibps));
  }

  describeLimits() {
    return answer(() => describeLimits(this.#store));
  }

  describeAccountSettings() {
    return answer(() => describeAccountSettings(this.#store));
  }

  updateAccountSettings(status: "ENABLED" | "DISABLED") {
    return answer(() => updateAccountSettings(this.#store, status));
  }

  splitShard(scope: Scope, name: string, shardToSplit: string, newStartingHashKey: string) {
    return answer(() => splitShard(this.#store, scope, name, shardToSplit, newStartingHashKey));
  }

  mergeShards(scope: Scope, name: string, shardToMerge: string, adjacentShardToMerge: string) {
    return answer(() => mergeShards(this.#store, scope, name, shardToMerge, adjacentShardToMerge));
  }

  updateShardCount(scope: Scope, name: string, target: number) {
    return answer(() => updateShardCount(this.#store, scope, name, target));
  }

  updateStreamMode(
    scope: Scope,
    name: string,
    mode: StreamMode,
    warmThroughputMiBps: number | undefined,
  ) {
    return answer(() => updateStreamMode(this.#store, scope, name, mode, warmThroughputMiBps));
  }

  scaleUp(scope: Scope, name: string, incarnation: string, shardId: string) {
    return answer(() => scaleUp(this.#store, scope, name, incarnation, shardId));
  }

  route(scope: Scope, name: string) {
    return answer(() => route(this.#store, scope, name));
  }
}
