/**
 * Ordered, idempotent SQLite migrations for Durable Objects. Call from
 * `blockConcurrencyWhile` or inside `transactionSync`, so no request sees a
 * half-migrated schema.
 */

/**
 * Runs the migrations not yet applied. Idempotent: a second call does nothing.
 */
export function migrate(sql: SqlStorage, migrations: readonly string[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY)");
  const row = sql
    .exec<{ version: number | null }>("SELECT MAX(version) AS version FROM migrations")
    .one();
  for (let version = (row.version ?? 0) + 1; version <= migrations.length; version++) {
    sql.exec(migrations[version - 1] ?? "");
    sql.exec("INSERT INTO migrations (version) VALUES (?)", version);
  }
}

/** Whether this object has ever been initialised (its tables exist). */
export function hasTable(sql: SqlStorage, name: string): boolean {
  return (
    sql
      .exec<{ n: number }>(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
        name,
      )
      .one().n > 0
  );
}
