import type { EventRow } from '@social-pulse/schema';
import type { DialectSql, Warehouse } from '../types.ts';

/** Deliveries of one event's alert tried, over runs, before the detector stops trying (each with its own HTTP retries). */
export const MAX_ALERT_ATTEMPTS = 3;

/**
 * Open events whose alert the webhook has not accepted yet, oldest first. An event found
 * already closed (a backfill, or hours judged late) is history, not news: never sent.
 */
export const PENDING_SQL: DialectSql = {
  duckdb: `SELECT * FROM events WHERE status = 'open' AND notified_at IS NULL AND notify_attempts < $max ORDER BY started_at, event_id`,
  bigquery: `SELECT * FROM events WHERE status = 'open' AND notified_at IS NULL AND notify_attempts < @max ORDER BY started_at, event_id`,
};

/**
 * The newest events first, for `pulse events` and the dashboard. Parameters: since (ISO: events
 * seen since), kind (null for all), openOnly, limit.
 */
export const RECENT_EVENTS_SQL: DialectSql = {
  duckdb: `SELECT event_id, kind, "key", started_at, last_seen_at, observed, expected, score, status, notified_at FROM events
WHERE last_seen_at >= CAST($since AS TIMESTAMPTZ) AND ($kind IS NULL OR kind = $kind) AND (NOT $openOnly OR status = 'open')
ORDER BY started_at DESC, score DESC LIMIT $limit`,
  bigquery: `SELECT event_id, kind, \`key\`, started_at, last_seen_at, observed, expected, score, status, notified_at FROM events
WHERE last_seen_at >= TIMESTAMP(@since) AND (@kind IS NULL OR kind = @kind) AND (NOT @openOnly OR status = 'open')
ORDER BY started_at DESC, score DESC LIMIT @limit`,
};

export function pendingAlerts(w: Warehouse): Promise<EventRow[]> {
  return w.query<EventRow>(PENDING_SQL, { max: MAX_ALERT_ATTEMPTS });
}

/**
 * Records one delivery: accepted (notified_at set, never sent again) or failed (attempts + 1
 * and the reason, masked by the caller). Written right after each POST, so a crash between
 * the POST and this write sends that one alert again on the next run (at least once).
 */
export async function recordAlert(w: Warehouse, eventId: string, outcome: { ok: true; at: Date } | { ok: false; error: string }): Promise<void> {
  if (outcome.ok) await w.query(ALERT_SENT_SQL, { at: outcome.at.toISOString(), id: eventId });
  else await w.query(ALERT_FAILED_SQL, { error: outcome.error.slice(0, 500), id: eventId });
}

/** Parameters: at (ISO), id. */
export const ALERT_SENT_SQL: DialectSql = {
  duckdb: `UPDATE events SET notified_at = CAST($at AS TIMESTAMPTZ), notify_attempts = notify_attempts + 1, notify_error = NULL WHERE event_id = $id`,
  bigquery: `UPDATE events SET notified_at = TIMESTAMP(@at), notify_attempts = notify_attempts + 1, notify_error = NULL WHERE event_id = @id`,
};

/** Parameters: error, id. */
export const ALERT_FAILED_SQL: DialectSql = {
  duckdb: `UPDATE events SET notify_attempts = notify_attempts + 1, notify_error = $error WHERE event_id = $id`,
  bigquery: `UPDATE events SET notify_attempts = notify_attempts + 1, notify_error = @error WHERE event_id = @id`,
};
