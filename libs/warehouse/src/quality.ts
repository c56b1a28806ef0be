import { maskSecretsDeep } from '@social-pulse/runtime';
import { posts, type DqCheck, type DqSeverity, type Field } from '@social-pulse/schema';
import { bothDialects, sameSql, type Dialect } from './dialect.ts';
import type { DialectSql, LoadPartitions, Warehouse } from './types.ts';

/** What the checks need to know beyond the warehouse: the run, the clock and the configured sources. */
export interface QualityOptions {
  runId: string;
  now: Date;
  /** Enabled sources of the configuration: each gets a freshness and a volume check. */
  sources: string[];
  /** The configured `schedule` in milliseconds: data older than twice this is stale. */
  scheduleMs: number;
  /**
   * The days of posts the load touched (LoadResult.partitions): the row checks read only
   * those partitions, so that their cost follows what is new rather than the whole history.
   * `null`: the load brought no posts, nothing to read. Absent: the whole table.
   */
  partitions?: LoadPartitions | null;
}

/** The whole table, for checks given no partitions. */
const ALL_TIME: LoadPartitions = { from: '0001-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' };
const NOTHING: LoadPartitions = { from: '1970-01-01T00:00:00.000Z', to: '1970-01-01T00:00:00.000Z' };

/** The partition filter of the row checks (parameters `loadFrom`, `loadTo`): a plain range, which BigQuery prunes on. */
const inLoad = (d: Dialect) => `created_at >= ${d.timestamp(d.param('loadFrom'))} AND created_at < ${d.timestamp(d.param('loadTo'))}`;

/** Posts created this far ahead of the check's clock count as "in the future" (clock skew between hosts). */
const FUTURE_SKEW_MINUTES = 10;
/** Scrapes of a source the volume check compares with, and how many it needs before it judges. */
const VOLUME_HISTORY = 20;
const VOLUME_MIN_HISTORY = 3;
/** Steps the raw_merged check looks back over (scrapes since the previous successful lake-write). */
const MERGED_HISTORY = 200;

/** Count columns that can never be negative (`score` can: Stack Exchange and Reddit votes). */
const NON_NEGATIVE = ['like_count', 'repost_count', 'reply_count', 'quote_count', 'author_followers'] as const;
/** Required columns that must also not be empty strings: a post without them cannot be found again. */
const NON_EMPTY = ['post_id', 'source', 'native_id', 'url', 'author_handle'] as const;

const scalarRequired = (posts.fields as readonly Field[]).filter((f) => f.required && typeof f.type === 'string').map((f) => f.name);

/** One count per column of the rows of the load where `cond(column)` holds, each aliased by the column's name. */
function countPerColumn(cols: readonly string[], cond: (quoted: string, name: string) => string): DialectSql {
  return bothDialects((d) => `SELECT\n  ${cols.map((c) => `${d.countIf(cond(d.ident(c), c))} AS ${d.ident(c)}`).join(',\n  ')}\nFROM posts WHERE ${inLoad(d)}`);
}

/**
 * The checks' SQL, written once for both dialects. Parameters: `now` (ISO timestamp); `loadFrom` and
 * `loadTo` (the load's days, see QualityOptions.partitions) for the checks that read rows of posts.
 */
export const QUALITY_SQL = {
  // The whole table, on purpose: a post whose created_at moved to another day would escape
  // the MERGE's partition bound and be inserted twice, and only this check would see it.
  // It reads one column (post_id), a small fraction of what the row checks below would.
  duplicates: sameSql(`SELECT COUNT(*) - COUNT(DISTINCT post_id) AS n FROM posts`),
  nulls: countPerColumn(scalarRequired, (c, name) => ((NON_EMPTY as readonly string[]).includes(name) ? `${c} IS NULL OR ${c} = ''` : `${c} IS NULL`)),
  negatives: countPerColumn(NON_NEGATIVE, (c) => `${c} < 0`),
  future: bothDialects((d) => `SELECT source, COUNT(*) AS n, MAX(created_at) AS newest FROM posts
WHERE ${inLoad(d)} AND created_at > ${d.plusMinutes(d.timestamp(d.param('now')), FUTURE_SKEW_MINUTES)} GROUP BY source ORDER BY source`),
  // The latest successful scrapes of each source, newest first: the first is judged against the rest.
  volume: sameSql(`SELECT source, run_id, rows_out FROM pipeline_runs
WHERE step = 'scrape' AND source <> '*' AND status IN ('ok', 'partial')
QUALIFY ROW_NUMBER() OVER (PARTITION BY source ORDER BY started_at DESC) <= ${VOLUME_HISTORY + 1}
ORDER BY source, started_at DESC`),
  // Per source: the last successful scrape, and the latest scrape whatever its outcome. (No
  // newest post: it would read created_at of every partition, and no check used it.)
  freshness: bothDialects((d) => `SELECT source, ${d.maxIf('finished_at', "status IN ('ok', 'partial')")} AS last_ok,
       ${d.latest('status', 'started_at')} AS last_status, ${d.latest('error', 'started_at', { ignoreNulls: true })} AS last_error
FROM pipeline_runs WHERE step = 'scrape' AND source <> '*' AND status <> 'running' GROUP BY source`),
  // The latest scrapes and lake-writes (whole steps), newest first: what was landed against what was merged.
  merged: sameSql(`SELECT step, run_id, started_at, status, rows_in, rows_out FROM pipeline_runs
WHERE step IN ('scrape', 'lake-write') AND source = '*' AND status <> 'running'
ORDER BY started_at DESC LIMIT ${MERGED_HISTORY}`),
} satisfies Record<string, DialectSql>;


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The usual range of a source's posts per run, from the median of its previous runs: a
 * quarter to four times the median, widened for quiet sources where small numbers swing.
 */
export function usualRange(history: number[]): { low: number; high: number; median: number } {
  const med = median(history);
  return { median: med, low: med >= 8 ? Math.floor(med / 4) : 0, high: Math.max(Math.ceil(med * 4), 20) };
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 10 ? `${Math.round(h)}h` : h >= 1 ? `${h.toFixed(1)}h` : `${Math.round(h * 60)}m`;
}

/** Whether posts has an enforced PRIMARY KEY (post_id): DuckDB's does, BigQuery enforces none. */
async function enforcesPostKey(w: Warehouse): Promise<boolean> {
  if (w.kind !== 'duckdb') return false;
  const [r] = await w.query<{ n: number }>(`SELECT count(*) AS n FROM duckdb_constraints()
WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = 'posts'
  AND constraint_type = 'PRIMARY KEY' AND constraint_column_names = ['post_id']`);
  return (r?.n ?? 0) > 0;
}

/**
 * Runs the data-quality checks over the warehouse (after a load), records each result in
 * dq_checks and returns them. A failed check is a row with status `fail` and a message; the
 * caller reports it. Checks: post_id unique, required fields not null, counts not negative,
 * created_at not in the future, each source's volume within its usual range, freshness per source,
 * and (once a lake-write is in the history) posts landed in raw/ were merged.
 */
export async function runQualityChecks(w: Warehouse, o: QualityOptions): Promise<DqCheck[]> {
  const checkedAt = o.now.toISOString();
  const now = { now: checkedAt };
  const p = o.partitions === undefined ? ALL_TIME : (o.partitions ?? NOTHING);
  const inLoad = { loadFrom: p.from, loadTo: p.to };
  const out: DqCheck[] = [];
  const add = (check_name: string, source: string, severity: DqSeverity, failed: boolean | 'skipped', observed: number | null, expected: string, message: string | null) =>
    out.push({
      run_id: o.runId, check_name, source, severity, status: failed === 'skipped' ? 'skipped' : failed ? 'fail' : 'pass',
      observed, expected, message, checked_at: checkedAt,
    });

  // A table that enforces its primary key (DuckDB's posts) cannot hold a duplicate: its MERGE
  // would have failed. Counting distinct post_ids there costs seconds at 10M posts, on every load.
  const dups = (await enforcesPostKey(w)) ? 0 : ((await w.query<{ n: number }>(QUALITY_SQL.duplicates))[0]?.n ?? 0);
  add('post_id_unique', '*', 'error', dups > 0, dups, '= 0', dups ? `${dups} posts share a post_id with another row` : null);

  const [nulls = {}] = await w.query<Record<string, number>>(QUALITY_SQL.nulls, inLoad);
  const nullCols = Object.entries(nulls).filter(([, v]) => v > 0);
  const nullRows = nullCols.reduce((a, [, v]) => a + v, 0);
  add('required_not_null', '*', 'error', nullRows > 0, nullRows, '= 0',
    nullCols.length ? `null or empty required fields: ${nullCols.map(([c, v]) => `${c} (${v})`).join(', ')}` : null);

  const [neg = {}] = await w.query<Record<string, number>>(QUALITY_SQL.negatives, inLoad);
  const negCols = Object.entries(neg).filter(([, v]) => v > 0);
  const negRows = negCols.reduce((a, [, v]) => a + v, 0);
  add('counts_not_negative', '*', 'error', negRows > 0, negRows, '= 0',
    negCols.length ? `negative counts: ${negCols.map(([c, v]) => `${c} (${v})`).join(', ')}` : null);

  const future = await w.query<{ source: string; n: number; newest: string }>(QUALITY_SQL.future, { ...now, ...inLoad });
  const futureRows = future.reduce((a, r) => a + r.n, 0);
  add('created_at_not_future', '*', 'error', futureRows > 0, futureRows, `= 0 (created_at ≤ now + ${FUTURE_SKEW_MINUTES}m)`,
    future.length ? `posts dated in the future: ${future.map((r) => `${r.source} ${r.n} (up to ${r.newest})`).join(', ')}` : null);

  const merged = rawMerged(await w.query<StepRow>(QUALITY_SQL.merged));
  if (merged) add('raw_merged', '*', 'error', merged.failed, merged.observed, merged.expected, merged.message);

  const scrapes = await w.query<{ source: string; run_id: string; rows_out: number }>(QUALITY_SQL.volume);
  const fresh = await w.query<{ source: string; last_ok: string | null; last_status: string | null; last_error: string | null }>(QUALITY_SQL.freshness);
  const stale = 2 * o.scheduleMs;
  for (const source of o.sources) {
    const runs = scrapes.filter((r) => r.source === source);
    const [latest, ...history] = runs;
    if (!latest || history.length < VOLUME_MIN_HISTORY) {
      add('volume_in_range', source, 'warn', 'skipped', latest ? latest.rows_out : null, `needs ${VOLUME_MIN_HISTORY} earlier scrapes`,
        `${history.length} earlier successful scrapes: too few to know the usual volume`);
    } else {
      const r = usualRange(history.map((h) => h.rows_out));
      const v = latest.rows_out;
      const bad = v < r.low || v > r.high;
      add('volume_in_range', source, 'warn', bad, v, `${r.low}..${r.high} (median ${r.median} of ${history.length} runs)`,
        bad ? `${v} posts in run ${latest.run_id}, usually ${r.low}..${r.high} (median ${r.median})` : null);
    }

    const f = fresh.find((x) => x.source === source);
    const lastOk = f?.last_ok ?? null;
    if (f?.last_status === 'skipped' && !lastOk) {
      add('freshness', source, 'warn', 'skipped', null, `≤ ${hours(stale)}`, `never scraped: ${f.last_error ?? 'skipped'}`);
      continue;
    }
    const age = lastOk ? o.now.getTime() - Date.parse(lastOk) : null;
    const bad = age === null || age > stale;
    const why = f?.last_status && f.last_status !== 'ok' && f.last_status !== 'partial' ? `; the last scrape ${f.last_status}${f.last_error ? `: ${f.last_error}` : ''}` : '';
    add('freshness', source, 'warn', bad, age === null ? null : Math.round((age / 3_600_000) * 100) / 100, `≤ ${hours(stale)} since the last successful scrape`,
      bad ? (lastOk ? `last successful scrape ${hours(age!)} ago (${lastOk})${why}` : `never scraped successfully${why}`) : null);
  }
  // Messages quote the run history's errors, which quote servers: masked like every history row.
  const masked = out.map((c) => maskSecretsDeep(c));
  await w.recordChecks(masked);
  return masked;
}

interface StepRow {
  step: string;
  run_id: string;
  started_at: string;
  status: string;
  rows_in: number;
  rows_out: number;
}

/**
 * Posts landed by the scrapes since the previous successful lake-write, against what the latest
 * successful lake-write merged: "landed but none merged" is a lake writer that no longer sees new
 * raw pages (a watermark ahead of them) while reporting ok. Undefined without a lake-write to judge.
 */
function rawMerged(rows: StepRow[]): { failed: boolean; observed: number; expected: string; message: string | null } | undefined {
  const time = (v: string) => Date.parse(v);
  const writes = rows.filter((r) => r.step === 'lake-write' && (r.status === 'ok' || r.status === 'partial'));
  const [latest, previous] = writes;
  if (!latest) return undefined;
  const from = previous ? time(previous.started_at) : -Infinity;
  const to = time(latest.started_at);
  const landed = rows
    .filter((r) => r.step === 'scrape' && time(r.started_at) > from && time(r.started_at) < to)
    .reduce((a, r) => a + r.rows_out, 0);
  const read = latest.rows_in;
  const failed = landed > 0 && read === 0;
  return {
    failed,
    observed: read,
    expected: landed > 0 ? `> 0 (${landed} posts landed since the previous lake-write)` : '≥ 0 (no posts landed since the previous lake-write)',
    message: failed
      ? `scrapes landed ${landed} posts in raw/ since the previous lake-write, but lake-write of run ${latest.run_id} merged none: ` +
        'its watermark (_state/lake-writer.json, rawThrough) may be ahead of the raw pages; deleting that file makes the next lake-write merge every raw page again'
      : null,
  };
}

/** One line per failed check, for the run's report and `pulse status`. */
export function describeFailedChecks(checks: Pick<DqCheck, 'check_name' | 'source' | 'status' | 'severity' | 'message'>[]): string[] {
  return checks
    .filter((c) => c.status === 'fail')
    .map((c) => `${c.severity === 'error' ? 'FAILED' : 'warning'} ${c.check_name}${c.source === '*' ? '' : ` (${c.source})`}: ${c.message ?? 'failed'}`);
}
