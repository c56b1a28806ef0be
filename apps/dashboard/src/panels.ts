import { maskSecrets, scrubSecretsDeep } from '@social-pulse/runtime';
import type { Params, Warehouse } from '@social-pulse/warehouse';
import { rowsOrNone } from '@social-pulse/warehouse';
import { filterParams, windowOf } from './filters.ts';
import * as SQL from './sql.ts';
import { pageSources } from './sources.ts';
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
  StoryRow,
  StatusTile,
  ViewFilters,
} from './types.ts';

/** How many rows the list panels show. */
export const LIMITS = { trending: 15, topPosts: 10, authors: 15, hashtags: 20, links: 15, stories: 15, entities: 20, topics: 8, options: 50, events: 30 };

export interface PanelContext {
  /** config `schedule` in seconds: data older than twice this is stale. */
  scheduleSeconds: number;
  /** Sources in the configuration, shown as tiles even before their first run. */
  configuredSources: string[];
  now?: Date;
  /** Read posts for every panel, never the rollups (the equality test and the benchmark's baseline). */
  raw?: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Where trending's scan may start and the engagement a top post needs, from RANK_BOUNDS (see
 * sql.ts); without a k-th day to bound by, the whole period and no minimum.
 */
function rankBounds(rows: Row[], w: { start: Date }): { scanFrom: string; minEng: number; excludedMax: number | null } {
  const r = rows[0] ?? {};
  const from = r.trending_threshold === null || r.trending_threshold === undefined || r.scan_from === null || r.scan_from === undefined
    ? w.start.getTime()
    : Math.max(w.start.getTime(), Date.parse(iso(r.scan_from)!) - DAY_MS);
  const top = r.top_threshold === null || r.top_threshold === undefined ? null : num(r.top_threshold);
  const minMean = num(r.min_mean);
  // A hair below the bound, so that rounding never drops a post that ties it.
  const minEng = top !== null && top > 0 && minMean > 0 ? Math.floor(top * minMean * (1 - 1e-9)) - 1 : -Number.MAX_SAFE_INTEGER;
  // The highest velocity a post created before scanFrom can reach by its age-decayed score (none left out: null).
  const excludedMax = from <= w.start.getTime() ? null : r.excluded_max === null || r.excluded_max === undefined ? Infinity : num(r.excluded_max);
  return { scanFrom: new Date(from).toISOString(), minEng, excludedMax };
}

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
 * (cmLo = cmHi = cHi when no month fits).
 */
export function rollupParams(w: { start: Date; end: Date; previousStart: Date }): Params {
  const whole = (lo: number, hi: number): [string, string] => {
    const a = Math.ceil(lo / DAY_MS) * DAY_MS;
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
  const [cLo, cHi] = whole(w.start.getTime(), w.end.getTime());
  const [pLo, pHi] = whole(w.previousStart.getTime(), w.start.getTime());
  const [cmLo, cmHi] = months([cLo, cHi]);
  const [pmLo, pmHi] = months([pLo, pHi]);
  return { cLo, cHi, pLo, pHi, cmLo, cmHi, pmLo, pmHi };
}

// ---- Values as the warehouses return them → plain JSON ----------------------------------
// Warehouse.query gives numbers and ISO strings on both backends; null is 0 or null here.

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
export const iso = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
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
    ...('gain' in r ? { gainPerHour: r.gain === null || r.gain === undefined ? null : num(r.gain) } : {}),
    ...('spark' in r ? { spark: Array.isArray(r.spark) ? (r.spark as Row[]).map((x) => ({ t: num(x.t), e: num(x.e) })) : [] } : {}),
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
  // The charts, the headline and the aggregate lists read the daily rollups where they answer
  // exactly (see sql.ts, Rollups); the same panels otherwise read posts. `raw` forces the latter.
  const rolled = !ctx.raw && rollupsAnswer(filters, win) && num((await run('rollups', SQL.ROLLUPS_READY).catch(() => []))[0]?.n) > 0;
  const rp = rolled ? rollupParams(win) : {};
  const r = <K extends keyof typeof SQL.FROM_ROLLUPS>(k: K, raw: DialectSql) => (rolled ? SQL.FROM_ROLLUPS[k] : raw);
  // Independent panels run at once (DuckDB: a connection each; BigQuery: a job each); each is
  // awaited below in the page's order (a failure surfaces there, not as an unhandled rejection).
  const started = (panel: string, sql: DialectSql, extra: Params = {}): Promise<Row[]> => {
    const p = run(panel, sql, extra);
    p.catch(() => undefined);
    return p;
  };
  const bounds = rolled ? run('rankBounds', SQL.RANK_BOUNDS, { trendingSkip: LIMITS.trending - 1, topSkip: LIMITS.topPosts - 1, ...rp }).then((rows) => rankBounds(rows, win)) : null!;
  const handled = <T,>(p: Promise<T>): Promise<T> => (p.catch(() => undefined), p);
  const q = {
    headline: started('headline', r('headline', v('headline', SQL.HEADLINE)), rp),
    volume: started('volume', r('volume', v('volume', SQL.VOLUME)), rp),
    sentiment: started('sentiment', r('sentiment', SQL.SENTIMENT), rp),
    topics: started('topics', r('topics', SQL.TOPICS), { limit: LIMITS.topics, ...rp }),
    // Rising now, through the rollups, ranks the posts observed in the period and those from
    // scanFrom on; when its k-th velocity does not clear what a post left out could reach, the
    // raw query runs instead (panel trendingAll), so the list is always the raw query's.
    trending: rolled
      ? handled(bounds.then(async (b) => {
          const rows = await run('trending', SQL.RANKED_FROM_ROLLUPS.trending, { limit: LIMITS.trending, scanFrom: b.scanFrom, ...rp });
          if (b.excludedMax === null || (rows.length === LIMITS.trending && num(rows.at(-1)!.velocity) > b.excludedMax)) return rows;
          return run('trendingAll', v('trending', SQL.TRENDING), { limit: LIMITS.trending });
        }))
      : started('trending', v('trending', SQL.TRENDING), { limit: LIMITS.trending }),
    topPosts: rolled
      ? handled(bounds.then((b) => run('topPosts', SQL.RANKED_FROM_ROLLUPS.topPosts, { limit: LIMITS.topPosts, minEng: b.minEng, ...rp })))
      : started('topPosts', v('topPosts', SQL.TOP_POSTS), { limit: LIMITS.topPosts }),
    authors: started('authors', r('authors', v('authors', SQL.AUTHORS)), { limit: LIMITS.authors, ...rp }),
    hashtags: started('hashtags', r('hashtags', v('hashtags', SQL.HASHTAGS)), { limit: LIMITS.hashtags, ...rp }),
    // The two-step links query (LINKS_TOPK) gives the same rows; it runs where the rollups do, so that the raw page stays the reference.
    links: started('links', rolled ? SQL.POSTS_ONLY.linksTopK : v('links', SQL.LINKS), { limit: LIMITS.links }),
    entities: started('entities', r('entities', SQL.ENTITIES), { limit: LIMITS.entities, ...rp }),
    status: started('status', SQL.STATUS),
    quality: loadQuality(run),
    options: started('options', r('options', SQL.OPTIONS), { limit: LIMITS.options, ...rp }),
    stories: handled(loadStories(run, labelled ? SQL.STORIES : rolled ? SQL.STORIES_FROM_ROLLUPS : SQL.POSTS_ONLY_STORIES, rp)),
    events: handled(loadEvents(run)),
  };
  q.quality.catch(() => undefined);
  const head = await q.headline;
  const headline = { current: emptyHeadline(), previous: emptyHeadline() };
  for (const r of head) {
    const h: Headline = { posts: num(r.posts), authors: num(r.authors), sources: num(r.sources), engagement: num(r.engagement) };
    if (r.is_current === true) headline.current = h;
    else headline.previous = h;
  }

  const volume = series(await q.volume, win);
  const sentiment = series(await q.sentiment, win, ['negative', 'neutral', 'positive', 'not labelled']);
  const topics = series(await q.topics, win);
  // Biggest topic first, in the legend and the table.
  const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
  topics.series.sort((a, b) => total(b.values) - total(a.values) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const trending = (await q.trending).map(card);
  const topPosts = (await q.topPosts).map(card);
  const authors: AuthorRow[] = (await q.authors).map((r) => ({
    source: str(r.source),
    handle: str(r.handle),
    name: str(r.name),
    posts: num(r.posts),
    engagement: num(r.engagement),
    normalized: num(r.normalized),
  }));
  const hashtags: HashtagRow[] = (await q.hashtags).map((r) => ({
    tag: str(r.tag),
    posts: num(r.posts),
    authors: num(r.authors),
  }));
  const links: LinkRow[] = (await q.links).map((r) => ({
    url: str(r.url),
    domain: str(r.domain),
    title: strOrNull(r.title),
    posts: num(r.posts),
    authors: num(r.authors),
  }));
  const entities: EntityRow[] = (await q.entities).map((r) => ({
    type: str(r.type) as EntityRow['type'],
    text: str(r.text),
    posts: num(r.posts),
    previous: num(r.previous),
  }));
  const stories = await q.stories;
  const tiles = statusTiles(await q.status, ctx, now);
  const quality = await q.quality;
  const events = await q.events;
  const options: FilterOptions = {
    sources: [],
    languages: [],
    topics: topics.series.map((x) => x.name),
    entities: [...new Set(entities.map((e) => e.text))],
  };
  for (const r of await q.options) {
    const key = ({ source: 'sources', lang: 'languages' } as const)[str(r.kind) as 'source'];
    if (key) options[key].push(str(r.value));
  }

  // What the page and the export show is scrubbed of this environment's credentials, should a
  // warehouse written by an older version still hold one.
  return scrubSecretsDeep({
    generatedAt: now.toISOString(),
    warehouse: w.kind === 'duckdb' ? 'DuckDB' : 'BigQuery',
    filters,
    sources: pageSources(),
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
    stories,
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

/** The Stories panel: empty when the warehouse has no stories tables (loaded before they existed). */
async function loadStories(run: Runner, sql: DialectSql, rp: Params): Promise<StoryRow[]> {
  const found = await run('storiesTable', SQL.STORIES_TABLE).catch(() => []);
  if (!found[0] || num(found[0].n) === 0) return [];
  const rows = await run('stories', sql, { limit: LIMITS.stories, ...rp });
  return rows.map((r) => ({
    storyId: str(r.story_id),
    title: strOrNull(r.title),
    canonicalUrl: strOrNull(r.canonical_url),
    posts: num(r.posts),
    sources: strings(r.sources),
    totalPosts: num(r.total_posts),
    allSources: strings(r.all_sources),
    firstSeen: iso(r.first_seen),
    lastSeen: iso(r.last_seen),
    normalized: num(r.normalized),
    velocity: num(r.velocity),
    items: (Array.isArray(r.items) ? (r.items as Row[]) : []).map((i) => ({
      postId: str(i.post_id),
      source: str(i.source),
      url: str(i.url),
      authorHandle: str(i.author_handle),
      createdAt: iso(i.created_at),
      title: str(i.title),
      engagement: num(i.eng),
    })),
  }));
}

/**
 * The events panel and the volume chart's marks. A warehouse last written before the events
 * table existed has none (the dashboard opens it read-only, creating nothing): no events.
 */
async function loadEvents(run: Runner): Promise<EventMark[]> {
  const rows = await rowsOrNone('events', run('events', SQL.EVENTS, { limit: LIMITS.events }));
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
