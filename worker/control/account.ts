/**
 * The account's settings in a region: DescribeLimits, the
 * MinimumThroughputBillingCommitment (Describe- and UpdateAccountSettings),
 * and the server-wide iterator secret kept by the "server" object.
 *
 * The end of a commitment is derived from timestamps (`ended_at`), so the
 * scheduled end needs no timer.
 */
import {
  type CommitmentStatus,
  MIN_COMMITMENT_MS,
  ON_DEMAND_STREAM_LIMIT,
} from "../../src/kinesis/constraints.js";
import type {
  AccountSettingsOutput,
  DescribeLimitsOutput,
  MinimumThroughputBillingCommitmentOutput,
} from "../../src/kinesis/model.js";
import { bytesToHex } from "../../src/kinesis/shard-iterator.js";
import { accountOpenShards, onDemandStreams, shardLimit } from "./quotas.js";
import type { ControlStore } from "./store.js";
import { purgeDeleted } from "./stream-rows.js";

interface AccountSettingsRow {
  commitment_status: string;
  started_at: number | null;
  ended_at: number | null;
  earliest_end_at: number | null;
  [key: string]: SqlStorageValue;
}

/**
 * The commitment as stored. ENABLED with an end time is an end the account
 * asked for before the earliest allowed end: it is scheduled, not done.
 */
function commitmentRow(store: ControlStore): AccountSettingsRow | undefined {
  return store.sql
    .exec<AccountSettingsRow>("SELECT * FROM account_settings WHERE id = 1")
    .toArray()[0];
}

/** The commitment's status at `now`. */
function commitmentStatus(row: AccountSettingsRow | undefined, now: number): CommitmentStatus {
  if (row?.commitment_status !== "ENABLED") return "DISABLED";
  if (row.ended_at === null) return "ENABLED";
  return now < row.ended_at ? "ENABLED_UNTIL_EARLIEST_ALLOWED_END" : "DISABLED";
}

/** Whether the account has the commitment (warm throughput needs it). */
export function commitmentActive(store: ControlStore, now: number): boolean {
  return commitmentStatus(commitmentRow(store), now) !== "DISABLED";
}

function accountSettings(store: ControlStore, now: number): AccountSettingsOutput {
  const row = commitmentRow(store);
  const status = commitmentStatus(row, now);
  const out: MinimumThroughputBillingCommitmentOutput = { Status: status };
  if (row?.started_at != null) out.StartedAt = new Date(row.started_at);
  if (status !== "DISABLED" && row?.earliest_end_at != null) {
    out.EarliestAllowedEndAt = new Date(row.earliest_end_at);
  }
  if (row?.ended_at != null) out.EndedAt = new Date(row.ended_at);
  return { MinimumThroughputBillingCommitment: out };
}

/** DescribeAccountSettings. */
export function describeAccountSettings(store: ControlStore): AccountSettingsOutput {
  return accountSettings(store, store.clock());
}

/**
 * UpdateAccountSettings, as the model documents the commitment: enabling
 * starts one that lasts at least 24 hours; disabling before then schedules
 * the end for the earliest allowed time; enabling again before that cancels
 * the scheduled end. Asking for the status it already has changes nothing.
 */
export function updateAccountSettings(
  store: ControlStore,
  status: "ENABLED" | "DISABLED",
): AccountSettingsOutput {
  const now = store.clock();
  const row = commitmentRow(store);
  const current = commitmentStatus(row, now);
  const { sql } = store;
  if (status === "ENABLED" && current === "DISABLED") {
    sql.exec(
      `INSERT OR REPLACE INTO account_settings (id, commitment_status, started_at, ended_at, earliest_end_at)
       VALUES (1, 'ENABLED', ?, NULL, ?)`,
      now,
      now + MIN_COMMITMENT_MS,
    );
  } else if (status === "ENABLED" && current === "ENABLED_UNTIL_EARLIEST_ALLOWED_END") {
    sql.exec("UPDATE account_settings SET ended_at = NULL WHERE id = 1");
  } else if (status === "DISABLED" && current === "ENABLED" && row) {
    const earliest = row.earliest_end_at ?? now;
    if (now >= earliest) {
      sql.exec(
        "UPDATE account_settings SET commitment_status = 'DISABLED', ended_at = ? WHERE id = 1",
        now,
      );
    } else {
      sql.exec("UPDATE account_settings SET ended_at = ? WHERE id = 1", earliest);
    }
  }
  return accountSettings(store, now);
}

/** DescribeLimits: the account's shard limit and usage in this region. */
export function describeLimits(store: ControlStore): DescribeLimitsOutput {
  purgeDeleted(store, store.clock());
  return {
    ShardLimit: shardLimit(store),
    OpenShardCount: accountOpenShards(store),
    OnDemandStreamCount: onDemandStreams(store, false),
    OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
  };
}

/** The server-wide iterator secret: minted on first use, then kept. Only the "server" object is asked. */
export async function serverSecret(store: ControlStore): Promise<string> {
  let value = await store.storage.get<string>("server-secret");
  if (!value) {
    value = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
    await store.storage.put("server-secret", value);
  }
  return value;
}
