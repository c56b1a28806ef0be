/**
 * Rising now (trending) and Top posts: two panels that rank posts; through the rollups each
 * reads only the posts that can rank (trending: from the day RANK_BOUNDS gives; top posts:
 * the days' best posts, rollup_top_posts_daily).
 */
import { TOP_GAINS_PER_DAY, TOP_POSTS_PER_DAY } from '@social-pulse/schema';
import { HOUR_MS } from '../../filters.ts';
import { postsOnly, RANK_BOUNDS, RANK_MARGIN_HOURS } from '../../sql.ts';
import { definePanel, statementFor, type LoadContext, type Row } from '../define.ts';
import { iso, num, numOrNull, str, strings, strOrNull } from '../values.ts';
import { RANKED_FROM_ROLLUPS, TOP_POSTS, TRENDING } from './sql.ts';

export interface PostCard {
  postId: string;
  source: string;
  url: string;
  authorHandle: string;
  authorName: string;
  createdAt: string;
  title: string | null;
  text: string;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  score: number | null;
  /** likes + reposts + replies + quotes + score (missing counts are 0). */
  engagement: number;
  /** engagement divided by the mean engagement of the post's source in the view. */
  normalized: number;
  /** Rising now: gain per hour / its source's mean gain; posts observed once: normalized / (age in hours + 2)^1.8 */
  velocity: number;
  /** Engagement gained per hour between the last two observations (null when observed once; absent outside Rising now). */
  gainPerHour?: number | null;
  /** The count curve: observations (epoch seconds, engagement), oldest first (Rising now only). */
  spark?: { t: number; e: number }[];
  topics: string[];
  entities: { type: string; text: string }[];
  sentiment: string | null;
  hashtags: string[];
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

/**
 * Where trending's scan may start, from RANK_BOUNDS (see sql.ts); without a k-th day to bound
 * by, the whole period.
 */
function rankBounds(rows: Row[], w: { start: Date }): { scanFrom: string; excludedMax: number | null } {
  const r = rows[0] ?? {};
  const from = r.trending_threshold === null || r.trending_threshold === undefined || r.scan_from === null || r.scan_from === undefined
    ? w.start.getTime()
    : Math.max(w.start.getTime(), Date.parse(iso(r.scan_from)!) - RANK_MARGIN_HOURS * HOUR_MS);
  // The highest velocity a post created before scanFrom can reach by its age-decayed score (none left out: null).
  const excludedMax = from <= w.start.getTime() ? null : r.excluded_max === null || r.excluded_max === undefined ? Infinity : num(r.excluded_max);
  return { scanFrom: new Date(from).toISOString(), excludedMax };
}

/** The bounds trending reads through the rollups (one query per view). */
const bounds = (c: LoadContext) =>
  c.once('rankBounds', () => c.run('rankBounds', RANK_BOUNDS, { trendingSkip: trending.limit - 1, ...c.rp }, { gate: true }).then((rows) => rankBounds(rows, c.win)));

export const trending = definePanel({
  name: 'trending',
  limit: 15,
  sql: { raw: TRENDING, postsOnly: postsOnly(TRENDING), rollups: RANKED_FROM_ROLLUPS.trending },
  // Through the rollups it ranks the posts observed in the period and those from scanFrom on;
  // when its k-th velocity does not clear what a post left out could reach, the posts query
  // runs instead (timed as trendingAll), so the list is always the posts query's.
  async load(c): Promise<PostCard[]> {
    if (!c.rolled) return (await c.query()).map(card);
    const b = await bounds(c);
    const rows = await c.query({ scanFrom: b.scanFrom });
    if (b.excludedMax === null || (rows.length === trending.limit && num(rows.at(-1)!.velocity) > b.excludedMax)) return rows.map(card);
    return (await c.run('trendingAll', statementFor(trending.sql!, { labelled: c.labelled, rolled: false }), { limit: trending.limit })).map(card);
  },
});

export const topPosts = definePanel({
  name: 'topPosts',
  limit: 10,
  sql: { raw: TOP_POSTS, postsOnly: postsOnly(TOP_POSTS), rollups: RANKED_FROM_ROLLUPS.topPosts },
  map: (rows) => rows.map(card),
});

// Through the rollups its candidates are each day's TOP_POSTS_PER_DAY best posts: it may show no more.
if (topPosts.limit > TOP_POSTS_PER_DAY) throw new Error('rollup_top_posts_daily keeps fewer posts per day than the top posts panel shows');
// Through the rollups (DuckDB) its candidates with a gain, over whole days, are each day's TOP_GAINS_PER_DAY highest.
if (trending.limit > TOP_GAINS_PER_DAY) throw new Error('rollup_top_gains_daily keeps fewer posts per day than Rising now shows');
