import { createHash } from 'node:crypto';
import type { EventKind, EventRow } from '@social-pulse/schema';
import type { Warehouse } from '../types.ts';
import { DEFAULT_DETECTOR, MIN_HISTORY_HOURS, type DetectorSettings } from './baseline.ts';
import { CHANGED_SQL, CLOSE_SQL, NEARBY_EVENTS_SQL, recountSql, spikesSql, TO_CLOSE_SQL, type CountKind } from './sql.ts';

const HOUR = 3_600_000;
/** Warehouse state: the newest collected_at / enriched_at the detector has counted. */
export const EVENTS_WATERMARK = 'events.counted_through';
/** Warehouse state: the oldest hour ever counted (the detector judges hours two weeks after it). */
export const EVENTS_FIRST_HOUR = 'events.first_hour';
/**
 * Posts are found by collected_at above the watermark; a post collected a little before the
 * newest one seen but loaded after it (another source's slower scrape) is caught by this overlap.
 */
const OVERLAP_MS = 6 * HOUR;

export interface DetectOptions extends DetectorSettings {
  now: Date;
  kinds: readonly CountKind[];
  /**
   * false when the caller knows that nothing was loaded since the last complete pass: no hour
   * is recounted (the counts, and so the spikes, cannot have changed), and only aged events
   * are closed. Default true.
   */
  recount?: boolean;
}

export interface DetectResult {
  /** Hours recounted, `[from, to)`; null when nothing changed. */
  window: { from: string; to: string } | null;
  /** Spiking hours found in the window. */
  spikes: number;
  /** Events created by this run. */
  opened: EventRow[];
  /** Events an existing one grew by (new spiking hours, or a higher peak). */
  extended: number;
  /** Open events closed by this run. */
  closed: number;
}

export interface Spike {
  kind: EventKind;
  key: string;
  hour: string;
  observed: number;
  expected: number;
  score: number;
}

const floorHour = (ms: number) => Math.floor(ms / HOUR) * HOUR;

/** Stable: the same run of spiking hours gets the same id whichever run finds it. */
export function eventId(kind: string, key: string, startedAt: string): string {
  return createHash('md5').update(`${kind}\u0000${key}\u0000${startedAt}`).digest('hex');
}

/**
 * Folds spiking hours into events, the way baseline.ts's spikeRuns does over a whole series:
 * a spike within closeAfterHours of an open event's last hour extends it, a spike inside a
 * closed event's hours (a recount of them) is already in it, and any other starts a new event.
 * Returns the rows to write (new and changed), with their status as of `now`.
 */
export function foldSpikes(existing: readonly EventRow[], spikes: readonly Spike[], s: Pick<DetectorSettings, 'closeAfterHours'>, now: Date): { rows: EventRow[]; opened: EventRow[]; extended: number } {
  const gap = s.closeAfterHours * HOUR;
  const byKey = new Map<string, EventRow[]>();
  for (const e of existing) {
    const k = `${e.kind}\u0000${e.key}`;
    byKey.set(k, [...(byKey.get(k) ?? []), { ...e }]);
  }
  const changed = new Set<EventRow>();
  const opened: EventRow[] = [];
  const nowIso = now.toISOString();
  const sorted = [...spikes].sort((a, b) => (a.kind + a.key < b.kind + b.key ? -1 : a.kind + a.key > b.kind + b.key ? 1 : Date.parse(a.hour) - Date.parse(b.hour)));
  for (const sp of sorted) {
    const k = `${sp.kind}\u0000${sp.key}`;
    const list = byKey.get(k) ?? [];
    const t = Date.parse(sp.hour);
    const e = list.find((x) => {
      const start = Date.parse(x.started_at);
      const last = Date.parse(x.last_seen_at);
      return (t >= start && t <= last) || (x.status === 'open' && t > last && t - last <= gap);
    });
    if (e) {
      let grew = false;
      if (t > Date.parse(e.last_seen_at)) {
        e.last_seen_at = sp.hour;
        grew = true;
      }
      if (sp.score > e.score) {
        Object.assign(e, { observed: sp.observed, expected: sp.expected, score: sp.score });
        grew = true;
      }
      if (grew) {
        e.updated_at = nowIso;
        changed.add(e);
      }
      continue;
    }
    const row: EventRow = {
      event_id: eventId(sp.kind, sp.key, sp.hour), kind: sp.kind, key: sp.key, started_at: sp.hour, last_seen_at: sp.hour,
      observed: sp.observed, expected: sp.expected, score: sp.score, status: 'open', detected_at: nowIso, updated_at: nowIso,
      notified_at: null, notify_attempts: 0, notify_error: null,
    };
    list.push(row);
    byKey.set(k, list);
    changed.add(row);
    opened.push(row);
  }
  // An event whose last hour is more than closeAfter complete hours ago is closed.
  const closeBefore = floorHour(now.getTime()) - gap;
  for (const e of changed) e.status = Date.parse(e.last_seen_at) < closeBefore ? 'closed' : 'open';
  return { rows: [...changed], opened, extended: changed.size - opened.length };
}


/**
 * One incremental pass of the event detector, after a load: recounts event_counts for the
 * hours of the posts and labels that changed since the last pass (in the warehouse, never in
 * Node), judges those hours against their baseline (spikesSql), folds the spikes into events
 * and closes the events that stopped spiking. Idempotent: a second pass over nothing new
 * changes nothing but closing what has aged.
 */
export async function detectEvents(w: Warehouse, o: DetectOptions = { ...DEFAULT_DETECTOR, now: new Date(), kinds: ['hashtag', 'entity', 'topic'] }): Promise<DetectResult> {
  const nowMs = o.now.getTime();
  const since = (await w.getState(EVENTS_WATERMARK)) ?? '0001-01-01T00:00:00.000Z';
  const sinceWithOverlap = new Date(Math.max(Date.parse(since) - OVERLAP_MS, Date.parse('0001-01-01T00:00:00.000Z'))).toISOString();
  const [changed] = o.recount === false ? [] : await w.query<{ lo: string | null; hi: string | null }>(CHANGED_SQL, { since: sinceWithOverlap });
  const lo = changed?.lo == null ? NaN : Date.parse(changed.lo);
  let window: DetectResult['window'] = null;
  let spikes: Spike[] = [];
  if (Number.isFinite(lo) && lo < Date.parse('9000-01-01T00:00:00Z')) {
    const from = new Date(floorHour(lo)).toISOString();
    // Through the current hour (partial: a spike under way shows before its hour ends), and
    // any post dated later than the clock (skew) with it.
    const hi = changed?.hi == null ? nowMs : Math.max(nowMs, Date.parse(changed.hi));
    const to = new Date(floorHour(hi) + HOUR).toISOString();
    window = { from, to };
    const sql = recountSql(o.kinds, from, to);
    if (w.kind === 'duckdb') {
      await w.query('BEGIN TRANSACTION');
      try {
        for (const s of sql.duckdb) await w.query(s, { from, to });
        await w.query('COMMIT');
      } catch (e) {
        await w.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } else {
      await w.query({ duckdb: sql.duckdb.join(';\n'), bigquery: sql.bigquery }, { from, to });
    }
    const knownFirst = await w.getState(EVENTS_FIRST_HOUR);
    const first = knownFirst && Date.parse(knownFirst) <= Date.parse(from) ? knownFirst : from;
    if (first !== knownFirst) await w.setState(EVENTS_FIRST_HOUR, first);
    const judgeFrom = new Date(Math.max(Date.parse(from), Date.parse(first) + MIN_HISTORY_HOURS * HOUR)).toISOString();
    if (judgeFrom < to) {
      spikes = await w.query<Spike>(spikesSql(o.kinds), { judgeFrom, to, minCount: o.minCount, threshold: o.threshold, minRatio: o.minRatio });
    }
  }
  let opened: EventRow[] = [];
  let extended = 0;
  if (spikes.length) {
    const nearFrom = new Date(Date.parse(window!.from) - o.closeAfterHours * HOUR).toISOString();
    const existing = await w.query<EventRow>(NEARBY_EVENTS_SQL, { from: nearFrom });
    const folded = foldSpikes(existing, spikes, o, o.now);
    await w.recordEvents(folded.rows);
    opened = folded.opened;
    extended = folded.extended;
  }
  const closeBefore = new Date(floorHour(nowMs) - o.closeAfterHours * HOUR).toISOString();
  const [open] = await w.query<{ n: number }>(TO_CLOSE_SQL, { closeBefore });
  const closed = open?.n ?? 0;
  if (closed) await w.query(CLOSE_SQL, { now: o.now.toISOString(), closeBefore });
  if (changed?.hi != null) await w.setState(EVENTS_WATERMARK, changed.hi);
  return { window, spikes: spikes.length, opened, extended, closed };
}
