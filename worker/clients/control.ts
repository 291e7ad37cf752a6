/**
 * The Worker's client of the control plane of one account and region: each
 * method is the contract's (../control/contract.ts) with the scope bound and
 * the reply unwrapped, so an AWS error arrives as a thrown `KinesisError`.
 *
 * @example
 * const summary = await controlPlane(env, scope).describeStreamSummary("demo");
 */
import type { Scope } from "../../src/kinesis/arn.js";
import type { ShardLevelMetric, StreamMode } from "../../src/kinesis/constraints.js";
import type { CreateStreamRequest, ListShardsRequest, TagPage } from "../control/contract.js";
import { unwrap } from "../reply.js";
import { controlStub, serverStub } from "../stubs.js";

export function controlPlane(env: Env, scope: Scope) {
  const stub = controlStub(env, scope.account, scope.region);
  return {
    createStream: async (request: CreateStreamRequest) =>
      unwrap(await stub.createStream(scope, request)),
    deleteStream: async (name: string) => unwrap(await stub.deleteStream(scope, name)),
    describeStream: async (
      name: string,
      page: { limit?: number; exclusiveStartShardId?: string },
    ) => unwrap(await stub.describeStream(scope, name, page)),
    describeStreamSummary: async (name: string) =>
      unwrap(await stub.describeStreamSummary(scope, name)),
    listStreams: async (page: {
      limit?: number;
      exclusiveStartStreamName?: string;
      nextToken?: string;
    }) => unwrap(await stub.listStreams(scope, page)),
    listShards: async (request: ListShardsRequest) => unwrap(await stub.listShards(scope, request)),
    addTags: async (name: string, tags: Record<string, string>) =>
      unwrap(await stub.addTags(scope, name, tags)),
    removeTags: async (name: string, keys: readonly string[]) =>
      unwrap(await stub.removeTags(scope, name, keys)),
    listTags: async (name: string, page: TagPage = {}) =>
      unwrap(await stub.listTags(scope, name, page)),
    changeRetention: async (name: string, hours: number, change: "increase" | "decrease") =>
      unwrap(await stub.changeRetention(scope, name, hours, change)),
    updateMaxRecordSize: async (name: string, kib: number) =>
      unwrap(await stub.updateMaxRecordSize(scope, name, kib)),
    changeMonitoring: async (
      name: string,
      metrics: readonly (ShardLevelMetric | "ALL")[],
      change: "enable" | "disable",
    ) => unwrap(await stub.changeMonitoring(scope, name, metrics, change)),
    updateWarmThroughput: async (name: string, mibps: number) =>
      unwrap(await stub.updateWarmThroughput(scope, name, mibps)),
    describeLimits: async () => unwrap(await stub.describeLimits()),
    describeAccountSettings: async () => unwrap(await stub.describeAccountSettings()),
    updateAccountSettings: async (status: "ENABLED" | "DISABLED") =>
      unwrap(await stub.updateAccountSettings(status)),
    splitShard: async (name: string, shardToSplit: string, newStartingHashKey: string) =>
      unwrap(await stub.splitShard(scope, name, shardToSplit, newStartingHashKey)),
    mergeShards: async (name: string, shardToMerge: string, adjacentShardToMerge: string) =>
      unwrap(await stub.mergeShards(scope, name, shardToMerge, adjacentShardToMerge)),
    updateShardCount: async (name: string, target: number) =>
      unwrap(await stub.updateShardCount(scope, name, target)),
    updateStreamMode: async (
      name: string,
      mode: StreamMode,
      warmThroughputMiBps: number | undefined,
    ) => unwrap(await stub.updateStreamMode(scope, name, mode, warmThroughputMiBps)),
    route: async (name: string) => unwrap(await stub.route(scope, name)),
  };
}

/** The server-wide iterator secret, from the control object that keeps it. */
export async function serverSecret(env: Env): Promise<string> {
  return unwrap(await serverStub(env).serverSecret());
}
