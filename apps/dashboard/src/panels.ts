import { maskSecrets, scrubSecretsDeep } from '@social-pulse/runtime';
import type { Params, Warehouse } from '@social-pulse/warehouse';
import { filterParams, windowOf } from './filters.ts';
import * as SQL from './sql.ts';
import type { DialectSql } from '@social-pulse/warehouse';
import type {
  AuthorRow,
  DashboardData,
  EntityRow,
  EventMark,
  FilterOptions,
  HashtagRow,
  Headline,
  LinkRow,
  PostCard,
  QualityReport,
  Series,
  StatusTile,
  ViewFilters,
} from './types.ts';

/** How many rows the list panels show. */
export const LIMITS = { trending: 15, topPosts: 10, authors: 15, hashtags: 20, links: 15, entities: 20, topics: 8, options: 50, events: 30 };

export interface PanelContext {
  /** config `schedule` in seconds: data older than twice this is stale. */
  scheduleSeconds: number;
  /** Sources in the configuration, shown as tiles even before their first run. */
  configuredSources: string[];
  now?: Date;
}

// ---- Values as the warehouses return them → plain JSON ----------------------------------
// DuckDB gives BIGINT as bigint and timestamps as Date; BigQuery gives INT64 as number or
// string and timestamps as { value }. The panels see numbers and ISO strings.

export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && 'value' in (v as object)) return Number((v as { value: unknown }).value);
  return Number(v);
}
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && 'value' in (v as object)) return iso((v as { value: unknown }).value);
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);

/** Only the parameters a statement names: neither DuckDB nor BigQuery wants strays. */
function pick(sql: string, params: Params, sigil: '$' | '@'): Params {
  const used = new Set([...sql.matchAll(sigil === '$' ? /\$([A-Za-z_]\w*)/g : /@([A-Za-z_]\w*)/g)].map((m) => m[1]!));
  return Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k)));
}

type Row = Record<string, unknown>;

function series(rows: Row[], w: { start: Date; end: Date; bucketSeconds: number }, order?: string[]): Series {
  const step = w.bucketSeconds;
  const first = Math.floor(w.start.getTime() / 1000 / step) * step;
  const last = Math.floor((w.end.getTime() / 1000 - 1) / step) * step;
  const keys: number[] = [];
  for (let t = first; t <= last; t += step) keys.push(t);
  const index = new Map(keys.map((k, i) => [k, i]));
  const byName = new Map<string, number[]>();
  for (const name of order ?? []) byName.set(name, keys.map(() => 0));
  for (const r of rows) {
    const name = str(r.name);
    const i = index.get(num(r.bucket));
    if (i === undefined) continue;
    if (!byName.has(name)) byName.set(name, keys.map(() => 0));
    byName.get(name)![i]! += num(r.n);
  }
  return {
    buckets: keys.map((k) => new Date(k * 1000).toISOString()),
    bucketSeconds: step,
    series: [...byName].filter(([, v]) => v.some((x) => x > 0)).map(([name, values]) => ({ name, values })),
  };
}

function card(r: Row): PostCard {
  return {
    postId: str(r.post_id),
    source: str(r.source),
    url: str(r.url),
    authorHandle: str(r.author_handle),
    authorName: str(r.author_name),
    createdAt: iso(r.created_at) ?? '',
    title: strOrNull(r.title),
    text: str(r.text),
    likes: numOrNull(r.like_count),
    reposts: numOrNull(r.repost_count),
    replies: numOrNull(r.reply_count),
    quotes: numOrNull(r.quote_count),
    score: numOrNull(r.score),
    engagement: num(r.eng),
    normalized: num(r.normalized),
    velocity: num(r.velocity),
    topics: strings(r.topics),
    entities: Array.isArray(r.entities) ? (r.entities as Row[]).map((e) => ({ type: str(e.type), text: str(e.text) })) : [],
    sentiment: strOrNull(r.sentiment),
    hashtags: strings(r.hashtags),
  };
}

const emptyHeadline = (): Headline => ({ posts: 0, authors: 0, sources: 0, engagement: 0 });

/** Runs every panel's query for one view of the dashboard. */
export async function loadDashboard(w: Warehouse, filters: ViewFilters, ctx: PanelContext): Promise<DashboardData> {
  const now = ctx.now ?? new Date();
  const win = windowOf(filters);
  const base = filterParams(filters, win);
  const timings: Record<string, number> = {};
  const run = async (panel: string, sql: DialectSql, extra: Params = {}): Promise<Row[]> => {
    const params = { ...base, ...extra };
    const t0 = performance.now();
    try {
      return await w.query<Row>(sql, w.kind === 'duckdb' ? pick(sql.duckdb, params, '$') : pick(sql.bigquery, params, '@'));
    } catch (e) {
      throw new Error(`panel ${panel}: ${(e as Error).message}`, { cause: e });
    } finally {
      timings[panel] = Math.round((performance.now() - t0) * 10) / 10;
    }
  };

  const labelled = filters.topic !== '' || filters.entity !== '';
  // Without a topic or entity filter, panels that show no label need not read post_nlp.
  const v = <K extends keyof typeof SQL.POSTS_ONLY>(k: K, full: DialectSql) => (labelled ? full : SQL.POSTS_ONLY[k]);
  const head = await run('headline', v('headline', SQL.HEADLINE));
  const headline = { current: emptyHeadline(), previous: emptyHeadline() };
  for (const r of head) {
    const h: Headline = { posts: num(r.posts), authors: num(r.authors), sources: num(r.sources), engagement: num(r.engagement) };
    if (r.is_current === true) headline.current = h;
    else headline.previous = h;
  }

  const volume = series(await run('volume', v('volume', SQL.VOLUME)), win);
  const sentiment = series(await run('sentiment', SQL.SENTIMENT), win, ['negative', 'neutral', 'positive', 'not labelled']);
  const topics = series(await run('topics', SQL.TOPICS, { limit: LIMITS.topics }), win);
  // Biggest topic first, in the legend and the table.
  const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
  topics.series.sort((a, b) => total(b.values) - total(a.values) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const trending = (await run('trending', v('trending', SQL.TRENDING), { limit: LIMITS.trending })).map(card);
  const topPosts = (await run('topPosts', v('topPosts', SQL.TOP_POSTS), { limit: LIMITS.topPosts })).map(card);
  const authors: AuthorRow[] = (await run('authors', v('authors', SQL.AUTHORS), { limit: LIMITS.authors })).map((r) => ({
    source: str(r.source),
    handle: str(r.handle),
    name: str(r.name),
    posts: num(r.posts),
    engagement: num(r.engagement),
    normalized: num(r.normalized),
  }));
  const hashtags: HashtagRow[] = (await run('hashtags', v('hashtags', SQL.HASHTAGS), { limit: LIMITS.hashtags })).map((r) => ({
    tag: str(r.tag),
    posts: num(r.posts),
    authors: num(r.authors),
  }));
  const links: LinkRow[] = (await run('links', v('links', SQL.LINKS), { limit: LIMITS.links })).map((r) => ({
    url: str(r.url),
    domain: str(r.domain),
    title: strOrNull(r.title),
    posts: num(r.posts),
    authors: num(r.authors),
  }));
  const entities: EntityRow[] = (await run('entities', SQL.ENTITIES, { limit: LIMITS.entities })).map((r) => ({
    type: str(r.type) as EntityRow['type'],
    text: str(r.text),
    posts: num(r.posts),
    previous: num(r.previous),
  }));
  const tiles = statusTiles(await run('status', SQL.STATUS), ctx, now);
  const quality = await loadQuality(run);
  const events = await loadEvents(run);
  const options: FilterOptions = {
    sources: [],
    languages: [],
    topics: topics.series.map((x) => x.name),
    entities: [...new Set(entities.map((e) => e.text))],
  };
  for (const r of await run('options', SQL.OPTIONS, { limit: LIMITS.options })) {
    const key = ({ source: 'sources', lang: 'languages' } as const)[str(r.kind) as 'source'];
    if (key) options[key].push(str(r.value));
  }

  // What the page and the export show is scrubbed of this environment's credentials, should a
  // warehouse written by an older version still hold one.
  return scrubSecretsDeep({
    generatedAt: now.toISOString(),
    warehouse: w.kind === 'duckdb' ? 'DuckDB' : 'BigQuery',
    filters,
    window: { start: win.start.toISOString(), end: win.end.toISOString(), previousStart: win.previousStart.toISOString() },
    headline,
    volume,
    sentiment,
    topics,
    trending,
    topPosts,
    authors,
    hashtags,
    links,
    entities,
    status: { scheduleSeconds: ctx.scheduleSeconds, tiles },
    quality,
    events,
    options,
    timings,
  });
}

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

type Runner = (panel: string, sql: DialectSql, extra?: Params) => Promise<Row[]>;

/** The data-quality panel: shown when the warehouse has a checks table, absent otherwise. */
async function loadQuality(run: Runner): Promise<QualityReport | null> {
  // A catalogue the account may not read, or a dialect quirk, must not take the page down.
  const found = await run('qualityTable', SQL.QUALITY_TABLE).catch(() => []);
  if (!found[0] || num(found[0].n) === 0) return null;
  const rows = await run('quality', SQL.QUALITY);
  if (!rows.length) return null;
  return {
    runId: str(rows[0]!.run_id),
    checkedAt: rows.reduce((m, r) => ((iso(r.checked_at) ?? '') > m ? (iso(r.checked_at) ?? '') : m), ''),
    checks: rows.map((r) => ({
      check: str(r.check_name),
      source: str(r.source),
      status: str(r.status),
      severity: str(r.severity),
      observed: numOrNull(r.observed),
      expected: strOrNull(r.expected),
      message: maskOrNull(strOrNull(r.message)),
    })),
  };
}

/**
 * The events panel and the volume chart's marks. A warehouse last written before the events
 * table existed has none (the dashboard opens it read-only, creating nothing): no events.
 */
async function loadEvents(run: Runner): Promise<EventMark[]> {
  let rows: Row[];
  try {
    rows = await run('events', SQL.EVENTS, { limit: LIMITS.events });
  } catch (e) {
    if (/events.*(does not exist|not found)|not found: table [^ ]*events/i.test((e as Error).message)) return [];
    throw e;
  }
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
}
