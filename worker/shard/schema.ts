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
   -- Consecutive records of one append, packed (see segment.ts). A segment's
   -- records share its arrival time.
   CREATE TABLE segments (
     first_position INTEGER PRIMARY KEY,  -- positions are the shard's counter; sequence numbers derive from them
     last_position INTEGER NOT NULL,
     arrival INTEGER NOT NULL,
     data_bytes INTEGER NOT NULL,
     body BLOB                            -- packed records, or NULL when stored in segment_chunks
   );
   CREATE INDEX segments_arrival ON segments (arrival);
   -- SQLite in a Durable Object caps a row at 2 MB, so a large record's body is split.
   CREATE TABLE segment_chunks (
     first_position INTEGER NOT NULL,
     chunk INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (first_position, chunk)
   ) WITHOUT ROWID;`,
  // Resharding: a closed shard names its children, for GetRecords at its end.
  `-- ChildShard[] as JSON, once closed
   ALTER TABLE meta ADD COLUMN children TEXT`,
  // On-demand streams: their shards ask to be split when they run hot.
  `ALTER TABLE meta ADD COLUMN on_demand INTEGER NOT NULL DEFAULT 0`,
];
