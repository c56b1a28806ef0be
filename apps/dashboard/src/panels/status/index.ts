import { maskSecrets } from '@social-pulse/runtime';
import { STATUS_SQL, type DialectSql } from '@social-pulse/warehouse';
import type { PanelContext } from '../../panels.ts';
import { definePanel, type Row } from '../define.ts';
import { iso, numOrNull, str, strOrNull } from '../values.ts';

export interface StatusTile {
  /** A source name, or a step (lake-write, enrich, load) for steps over all sources. */
  name: string;
  kind: 'source' | 'step';
  lastStatus: string | null;
  lastRunAt: string | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  /** Seconds since the last success, at the time of the request. */
  ageSeconds: number | null;
  rowsAdded: number | null;
  /** fresh: within 2× schedule; stale: older, or never succeeded. */
  freshness: 'fresh' | 'stale';
}

/** Per step and source: the last run (any outcome) and the last success; shared with `pulse status`. */
export const STATUS: DialectSql = STATUS_SQL.steps;

const maskOrNull = (s: string | null) => (s === null ? null : maskSecrets(s));

export function statusTiles(rows: Row[], ctx: PanelContext, now: Date): StatusTile[] {
  const tiles = new Map<string, StatusTile>();
  const blank = (name: string, kind: StatusTile['kind']): StatusTile => ({
    name, kind, lastStatus: null, lastRunAt: null, lastError: null, lastSuccessAt: null, ageSeconds: null, rowsAdded: null, freshness: 'stale',
  });
  for (const s of ctx.configuredSources) tiles.set(`source:${s}`, blank(s, 'source'));
  for (const r of rows) {
    const step = str(r.step);
    const source = str(r.source);
    // A source's tile is its scrape; the other steps run over all sources at once (`*`).
    const kind: StatusTile['kind'] | null = source === '*' ? 'step' : step === 'scrape' ? 'source' : null;
    if (!kind) continue;
    const name = kind === 'step' ? step : source;
    const lastSuccessAt = iso(r.last_success_at);
    const ageSeconds = lastSuccessAt ? Math.max(0, Math.round((now.getTime() - Date.parse(lastSuccessAt)) / 1000)) : null;
    tiles.set(`${kind}:${name}`, {
      name,
      kind,
      lastStatus: strOrNull(r.last_status),
      lastRunAt: iso(r.last_run_at),
      // An error quotes what a server answered: masked like a log line.
      lastError: maskOrNull(strOrNull(r.last_error)),
      lastSuccessAt,
      ageSeconds,
      rowsAdded: numOrNull(r.rows_added),
      freshness: ageSeconds !== null && ageSeconds <= 2 * ctx.scheduleSeconds ? 'fresh' : 'stale',
    });
  }
  return [...tiles.values()].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'source' ? -1 : 1));
}

/** Pipeline status: a tile per configured source (its scrape) and per step over all sources. */
export const status = definePanel({
  name: 'status',
  sql: { raw: STATUS },
  map: (rows, c): { scheduleSeconds: number; tiles: StatusTile[] } => ({ scheduleSeconds: c.ctx.scheduleSeconds, tiles: statusTiles(rows, c.ctx, c.now) }),
});
