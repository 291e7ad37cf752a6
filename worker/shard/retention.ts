/**
 * Retention: records older than the stream's retention are never returned
 * (reads and iterators start after the cutoff), and an alarm set for when the
 * oldest record expires deletes them.
 */
import type { ShardState } from "./state.js";
import type { ShardStore } from "./store.js";

const HOUR_MS = 60 * 60 * 1000;

/** Records that arrived before this are past retention. */
export function cutoff(store: ShardStore, state: ShardState, now = store.clock()): number {
  return now - state.config.retentionHours * HOUR_MS;
}

/** Makes sure an alarm will trim the oldest record when it expires. */
export async function scheduleTrim(
  store: ShardStore,
  state: ShardState,
  oldestArrival: number,
): Promise<void> {
  if (state.alarmAt !== null) return;
  const at = oldestArrival + state.config.retentionHours * HOUR_MS;
  state.alarmAt = at;
  await store.storage.setAlarm(at);
}

/** The trim alarm: deletes records past retention, then schedules the next trim. */
export async function onTrimAlarm(store: ShardStore, state: ShardState): Promise<void> {
  state.alarmAt = null;
  trim(store, state);
  await scheduleOldest(store, state);
}

/**
 * Changes the stream's retention (Increase/DecreaseStreamRetentionPeriod).
 * What the old retention already let expire is deleted first, so a longer
 * retention never brings it back; then the new one applies at once.
 */
export async function setRetention(
  store: ShardStore,
  state: ShardState,
  hours: number,
): Promise<void> {
  trim(store, state);
  state.config = { ...state.config, retentionHours: hours };
  store.sql.exec("UPDATE meta SET config = ? WHERE id = 1", JSON.stringify(state.config));
  trim(store, state);
  // The oldest record now expires at another time.
  state.alarmAt = null;
  await store.storage.deleteAlarm();
  await scheduleOldest(store, state);
}

/** Schedules the trim of the oldest record, if there is one. */
async function scheduleOldest(store: ShardStore, state: ShardState): Promise<void> {
  const oldest = store.sql
    .exec<{ arrival: number }>("SELECT arrival FROM segments ORDER BY first_position LIMIT 1")
    .toArray()[0];
  if (oldest) await scheduleTrim(store, state, oldest.arrival);
}

/** Deletes every record past retention now. */
function trim(store: ShardStore, state: ShardState): void {
  const at = cutoff(store, state);
  const { sql } = store;
  store.storage.transactionSync(() => {
    sql.exec(
      "DELETE FROM segment_chunks WHERE first_position IN (SELECT first_position FROM segments WHERE arrival < ? AND body IS NULL)",
      at,
    );
    sql.exec("DELETE FROM segments WHERE arrival < ?", at);
    // The newest segment may have gone with the rest; keep the counter.
    sql.exec(
      "UPDATE meta SET next_position = ?, last_arrival = ? WHERE id = 1",
      state.nextPosition,
      state.lastArrival,
    );
  });
}
