/**
 * The control plane's SQLite schema, as ordered migrations (see
 * `migrate` in the shard schema, which both objects share).
 */
export const CONTROL_MIGRATIONS: readonly string[] = [
  `CREATE TABLE streams (
     name TEXT PRIMARY KEY,
     incarnation TEXT NOT NULL,       -- names the stream's shard objects; new on every CreateStream
     epoch INTEGER NOT NULL,          -- encoded in sequence numbers; rises strictly per scope
     created_at INTEGER NOT NULL,
     active_at INTEGER NOT NULL,      -- CREATING until then
     deleting_until INTEGER,          -- DELETING until then, gone after
     status TEXT NOT NULL,            -- ACTIVE or UPDATING once active_at has passed
     mode TEXT NOT NULL,
     retention_hours INTEGER NOT NULL,
     max_record_kib INTEGER NOT NULL,
     iterator_key TEXT NOT NULL,
     next_shard_index INTEGER NOT NULL
   );
   CREATE TABLE shards (
     stream TEXT NOT NULL,
     shard_index INTEGER NOT NULL,
     shard_id TEXT NOT NULL,
     starting_hash_key TEXT NOT NULL,
     ending_hash_key TEXT NOT NULL,
     parent_shard_id TEXT,
     adjacent_parent_shard_id TEXT,
     created_at INTEGER NOT NULL,
     closed_at INTEGER,
     ending_sequence_number TEXT,
     PRIMARY KEY (stream, shard_index)
   ) WITHOUT ROWID;`,
  // Tags, enhanced monitoring, warm throughput and the account's settings.
  `ALTER TABLE streams ADD COLUMN shard_level_metrics TEXT NOT NULL DEFAULT '';  -- enabled metrics, comma-separated
   ALTER TABLE streams ADD COLUMN warm_throughput_mibps INTEGER;                 -- the target, once one is set
   CREATE TABLE tags (
     stream TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (stream, key)
   ) WITHOUT ROWID;
   -- One row: the account's MinimumThroughputBillingCommitment in this region.
   CREATE TABLE account_settings (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     commitment_status TEXT NOT NULL,   -- ENABLED or DISABLED; ENABLED with ended_at set is a scheduled end
     started_at INTEGER,
     ended_at INTEGER,
     earliest_end_at INTEGER
   );`,
  // Resharding and capacity modes.
  `ALTER TABLE streams ADD COLUMN updating_until INTEGER;                -- UPDATING until then
   ALTER TABLE streams ADD COLUMN scaling_calls TEXT NOT NULL DEFAULT ''; -- UpdateShardCount times (ms), comma-separated, last 24 h
   ALTER TABLE streams ADD COLUMN mode_changes TEXT NOT NULL DEFAULT '';  -- UpdateStreamMode times (ms), comma-separated, last 24 h
   -- A reshard between its start and its end: the steps still to apply, kept
   -- so that a restart finishes what a crash interrupted.
   CREATE TABLE reshards (
     stream TEXT PRIMARY KEY,
     plan TEXT NOT NULL
   );`,
];
