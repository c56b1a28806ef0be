import { scrubSecretsDeep } from '@social-pulse/runtime';
import type { DialectSql, Params, Warehouse } from '@social-pulse/warehouse';
import { DAY_MS, filterParams, HOUR_MS, windowOf } from './filters.ts';
import { statementFor, type LoadContext, type PanelDef, type Row, type RunOptions } from './panels/define.ts';
import { PANELS } from './panels/index.ts';
import { pageSources } from './sources.ts';
import { num } from './panels/values.ts';
import { LATER_THAT_DAY, ROLLUPS_READY } from './sql.ts';
import type { DashboardData, ViewFilters } from './types.ts';

export { LIMITS } from './panels/index.ts';

export interface PanelContext {
  /** config `schedule` in seconds: data older than twice this is stale. */
  scheduleSeconds: number;
  /** Sources in the configuration, shown as tiles even before their first run. */
  configuredSources: string[];
  now?: Date;
  /** Read posts for every panel, never the rollups (the equality test and the benchmark's baseline). */
  raw?: boolean;
}

/** The order in which a page's statements wait for a reader connection (see loadDashboard). */
const PRIORITY = { first: 0, gate: 1, followUp: 2 } as const;

/** The first midnight (UTC) at or after `ms`. */
const nextMidnight = (ms: number): number => Math.ceil(ms / DAY_MS) * DAY_MS;

/**
 * Whether the rollups can answer this view exactly: day buckets (they hold days), and no
 * topic, entity or text filter (none of them is a column of every rollup).
 */
export function rollupsAnswer(f: ViewFilters, w: { bucketSeconds: number }): boolean {
  return w.bucketSeconds === DAY_MS / 1000 && f.topic === '' && f.entity === '' && f.q === '';
}

/**
 * The whole UTC days of the period [start, end) and of the previous one [prevStart, start),
 * as [cLo, cHi) and [pLo, pHi); what lies outside them (the partial days at each edge) the
 * panels compute from posts. A period without a whole day has cLo = cHi = end. Within the
 * whole days, the whole UTC months [cmLo, cmHi) and [pmLo, pmHi), read from the monthly tiers
 * (cmLo = cmHi = cHi when no month fits). With `lastDayWhole` (no post after the end on its
 * day: LATER_THAT_DAY), the period's last, partial day counts as whole: cHi is the next midnight.
 * Within the partial edges, their whole UTC hours (ch1Lo/ch1Hi for [start, cLo), ph1Lo/ph1Hi for
 * [prevStart, pLo), ph2Lo/ph2Hi for [pHi, start)), which the panels read from the hourly tiers.
 */
export function rollupParams(w: { start: Date; end: Date; previousStart: Date }, lastDayWhole = false): Params {
  const whole = (lo: number, hi: number): [string, string] => {
    const a = nextMidnight(lo);
    const b = Math.floor(hi / DAY_MS) * DAY_MS;
    const [x, y] = a < b ? [a, b] : [hi, hi];
    return [new Date(x).toISOString(), new Date(y).toISOString()];
  };
  // The whole UTC months within [lo, hi) (whole days), for the rollups' monthly tiers; none: [hi, hi).
  const months = ([lo, hi]: [string, string]): [string, string] => {
    const a = new Date(lo);
    const first = Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + (a.getUTCDate() === 1 ? 0 : 1), 1);
    const b = new Date(hi);
    const last = Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), 1);
    return first < last ? [new Date(first).toISOString(), new Date(last).toISOString()] : [hi, hi];
  };
  const [cLo, cHi] = whole(w.start.getTime(), lastDayWhole ? nextMidnight(w.end.getTime()) : w.end.getTime());
  const [pLo, pHi] = whole(w.previousStart.getTime(), w.start.getTime());
  const [cmLo, cmHi] = months([cLo, cHi]);
  const [pmLo, pmHi] = months([pLo, pHi]);
  // The whole hours [ha, hb) of an edge [a, b), read from the hourly tiers (none: ha = hb). An
  // edge that ends before it starts (the last day counted whole) is empty, and so are its hours.
  const hours = (a: number, b: number): [string, string] => {
    const ha = Math.min(Math.ceil(a / HOUR_MS) * HOUR_MS, b);
    const hb = Math.max(Math.floor(b / HOUR_MS) * HOUR_MS, ha);
    return [new Date(ha).toISOString(), new Date(hb).toISOString()];
  };
  // (The current period's trailing edge has none: see Period in sql.ts.)
  const [ch1Lo, ch1Hi] = hours(w.start.getTime(), Date.parse(cLo));
  const [ph1Lo, ph1Hi] = hours(w.previousStart.getTime(), Date.parse(pLo));
  const [ph2Lo, ph2Hi] = hours(Date.parse(pHi), w.start.getTime());
  return { cLo, cHi, pLo, pHi, cmLo, cmHi, pmLo, pmHi, ch1Lo, ch1Hi, ph1Lo, ph1Hi, ph2Lo, ph2Hi };
}

/** Only the parameters a statement names: neither DuckDB nor BigQuery wants strays. */
export function statementParams(sql: string, params: Params, sigil: '$' | '@'): Params {
  const used = new Set([...sql.matchAll(sigil === '$' ? /\$([A-Za-z_]\w*)/g : /@([A-Za-z_]\w*)/g)].map((m) => m[1]!));
  return Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k)));
}

/** Runs every panel of PANELS for one view of the dashboard. */
export async function loadDashboard(w: Warehouse, filters: ViewFilters, ctx: PanelContext): Promise<DashboardData> {
  const now = ctx.now ?? new Date();
  const win = windowOf(filters);
  const base = filterParams(filters, win);
  const timings: Record<string, number> = {};
  // Where a statement waits for one of DuckDB's few reader connections (see QueryOptions): the
  // page ends with the chains of statements (a bound, a table check, then the panel's statement),
  // so a statement issued once the panels have started (the end of a chain) goes first, and a
  // gate (one its panel awaits before the next) before the other statements of the first wave.
  // In call order, the trending statement waited behind the whole first wave and ended the page.
  let firstWave = true;
  const run = async (panel: string, sql: DialectSql, extra: Params = {}, opts: RunOptions = {}): Promise<Row[]> => {
    const params = { ...base, ...extra };
    const priority = !firstWave ? PRIORITY.followUp : opts.gate ? PRIORITY.gate : PRIORITY.first;
    const t0 = performance.now();
    try {
      return await w.query<Row>(sql, w.kind === 'duckdb' ? statementParams(sql.duckdb, params, '$') : statementParams(sql.bigquery, params, '@'), { priority });
    } catch (e) {
      throw new Error(`panel ${panel}: ${(e as Error).message}`, { cause: e });
    } finally {
      timings[panel] = Math.round((performance.now() - t0) * 10) / 10;
    }
  };

  // Without a topic or entity filter, panels that show no label need not read post_nlp.
  const labelled = filters.topic !== '' || filters.entity !== '';
  // The charts, the headline and the aggregate lists read the daily rollups where they answer
  // exactly (see sql.ts, Rollups); the same panels otherwise read posts. `raw` forces the latter.
  // A view that ends within a day (as the default, now, does) reads that day whole from the
  // rollups when no post lies after its end that day (asked beside ROLLUPS_READY).
  const answers = !ctx.raw && rollupsAnswer(filters, win);
  const dayEnd = nextMidnight(win.end.getTime());
  const [ready, later] = answers
    ? await Promise.all([
      run('rollups', ROLLUPS_READY).catch((): Row[] => []),
      dayEnd > win.end.getTime() ? run('laterThatDay', LATER_THAT_DAY, { dayEnd: new Date(dayEnd).toISOString() }).catch((): Row[] => []) : Promise.resolve<Row[]>([]),
    ])
    : [[], []];
  const rolled = answers && num(ready[0]?.n) > 0;
  const rp = rolled ? rollupParams(win, later[0] !== undefined && num(later[0].n) === 0) : {};

  // Independent panels run at once (DuckDB: a connection each; BigQuery: a job each); each is
  // awaited below in the page's order (a failure surfaces there, not as an unhandled rejection).
  const loads = new Map<string, Promise<unknown>>();
  const shared = new Map<string, Promise<unknown>>();
  const view: LoadContext = {
    filters,
    win,
    ctx,
    now,
    labelled,
    rolled,
    rp,
    run,
    value: <V,>(panel: PanelDef<string, V>) => start(panel) as Promise<V>,
    once<T>(key: string, compute: () => Promise<T>): Promise<T> {
      if (!shared.has(key)) shared.set(key, compute());
      return shared.get(key) as Promise<T>;
    },
  };
  const start = (p: PanelDef): Promise<unknown> => {
    let loading = loads.get(p.name);
    if (!loading) {
      const sql = p.sql && statementFor(p.sql, view);
      const limit: Params = p.limit === undefined ? {} : { limit: p.limit };
      loading = p.load({
        ...view,
        query: (extra = {}) => {
          if (!sql) throw new Error(`panel ${p.name} has no statement`);
          return run(p.name, sql, { ...limit, ...extra, ...rp });
        },
      });
      loading.catch(() => undefined);
      loads.set(p.name, loading);
    }
    return loading;
  };
  for (const p of PANELS) start(p);
  firstWave = false;
  const values: Record<string, unknown> = {};
  for (const p of PANELS) values[p.name] = await start(p);

  // What the page and the export show is scrubbed of this environment's credentials, should a
  // warehouse written by an older version still hold one.
  return scrubSecretsDeep({
    generatedAt: now.toISOString(),
    warehouse: w.kind === 'duckdb' ? 'DuckDB' : 'BigQuery',
    filters,
    sources: pageSources(),
    window: { start: win.start.toISOString(), end: win.end.toISOString(), previousStart: win.previousStart.toISOString() },
    ...values,
    timings,
  } as DashboardData);
}
