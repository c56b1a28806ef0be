import type { DialectSql } from '@social-pulse/warehouse';
import { rowsOrNone } from '@social-pulse/warehouse';
import { definePanel } from '../define.ts';
import { iso, num, str } from '../values.ts';

/** A spike the event detector found (a row of events). */
export interface EventMark {
  id: string;
  kind: string;
  key: string;
  startedAt: string;
  lastSeenAt: string;
  observed: number;
  expected: number;
  score: number;
  status: string;
}

/**
 * Events (table events, written by the detector after each load) whose hours overlap the
 * period, strongest first: marked on the volume chart and listed. Not narrowed by the source,
 * language or label filters: an event is about a key across all sources.
 */
export const EVENTS: DialectSql = {
  duckdb: `SELECT event_id, kind, "key", started_at, last_seen_at, observed, expected, score, status FROM events
WHERE last_seen_at >= CAST($start AS TIMESTAMPTZ) AND started_at < CAST($end AS TIMESTAMPTZ)
ORDER BY score DESC, started_at DESC, event_id LIMIT $limit`,
  bigquery: `SELECT event_id, kind, \`key\`, started_at, last_seen_at, observed, expected, score, status FROM events
WHERE last_seen_at >= TIMESTAMP(@start) AND started_at < TIMESTAMP(@end)
ORDER BY score DESC, started_at DESC, event_id LIMIT @limit`,
};

/**
 * The events panel and the volume chart's marks. A warehouse last written before the events
 * table existed has none (the dashboard opens it read-only, creating nothing): no events.
 */
export const events = definePanel({
  name: 'events',
  limit: 30,
  sql: { raw: EVENTS },
  async load(c): Promise<EventMark[]> {
    const rows = await rowsOrNone('events', c.query());
    return rows.map((r) => ({
      id: str(r.event_id),
      kind: str(r.kind),
      key: str(r.key),
      startedAt: iso(r.started_at) ?? '',
      lastSeenAt: iso(r.last_seen_at) ?? '',
      observed: num(r.observed),
      expected: num(r.expected),
      score: num(r.score),
      status: str(r.status),
    }));
  },
});
