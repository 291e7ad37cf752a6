/**
 * The shard's SQLite schema, as ordered migrations. Each runs once, in order,
 * inside `blockConcurrencyWhile`; the `migrations` table records which ran.
 */
export const SHARD_MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     config TEXT NOT NULL,            -- ShardConfig as JSON: identity, hash range, lineage, retention
     next_position INTEGER NOT NULL,  -- position the next appended record takes
     last_arrival INTEGER NOT NULL,   -- arrival time (ms) of the newest record; arrivals never go back
     status TEXT NOT NULL DEFAULT 'OPEN',
     ending_position INTEGER          -- last position of a closed shard
   );
   CREATE TABLE records (
     position INTEGER PRIMARY KEY,    -- the shard's counter; the sequence number is derived from it
     arrival INTEGER NOT NULL,
     partition_key TEXT NOT NULL,
     explicit_hash_key TEXT,
     size INTEGER NOT NULL,           -- data bytes
     data BLOB,                       -- inline data, or NULL when stored in record_chunks
     chunks INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX records_arrival ON records (arrival);
   -- SQLite in a Durable Object caps a row at 2 MB, so large records are split.
   CREATE TABLE record_chunks (
     position INTEGER NOT NULL,
     chunk INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (position, chunk)
   ) WITHOUT ROWID;`,
];
