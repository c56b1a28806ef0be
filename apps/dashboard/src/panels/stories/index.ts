import type { DialectSql } from '@social-pulse/warehouse';
import { B_PERIOD, B_ROLLED_MEAN, D_PERIOD, D_ROLLED_MEAN, ENG, periodAndMatch, postsOnly, STORIES_TABLE, tsParam, viewPosts } from '../../sql.ts';
import { definePanel } from '../define.ts';
import type { Row } from '../define.ts';
import { iso, num, str, strOrNull, strings } from '../values.ts';

/** A story across networks (see STORIES): its figures over the posts in the view. */
export interface StoryRow {
  storyId: string;
  title: string | null;
  canonicalUrl: string | null;
  /** Posts of the story in the view, and the networks they are on. */
  posts: number;
  sources: string[];
  /** Over all its posts, whatever the view. */
  totalPosts: number;
  allSources: string[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** Sum of its posts' normalized engagement (E / mean E of the source in the view), and of their velocities. */
  normalized: number;
  velocity: number;
  items: { postId: string; source: string; url: string; authorHandle: string; createdAt: string | null; title: string; engagement: number }[];
}

/**
 * Stories (tables stories and story_posts, computed after each load): those with at least two
 * posts in the view, ranked by the sum of their posts' velocities (see ranked in panels/ranked/sql.ts), with their
 * normalized engagement, the networks they reached in the view, and their posts in the view
 * (the first 20, oldest first) to expand. A story's sums add its posts in post_id order in
 * DuckDB (list_sum), so that they do not depend on the order rows arrive in: the rollups'
 * variant reads fewer posts, same sums. The source means are sum / count (as ranked computes them).
 *
 * `rolled` (views the rollups answer): only the posts of stories that can show are read,
 * those in story_posts for the period whose story has at least two posts in all (stories.posts,
 * recounted from story_posts after each load: a story with two posts in the view has them),
 * and the source means come from rollup_daily, instead of scoring every post of the period.
 */
function storyCandidates(d: 'duckdb' | 'bigquery'): string {
  const t = tsParam(d);
  const [period, match] = periodAndMatch(d);
  return `WITH f AS (
  SELECT p.post_id, p.source, p.created_at, ${ENG} AS eng
  FROM posts AS p
  WHERE ${period} AND ${match}
    AND p.post_id IN (SELECT sp.post_id FROM story_posts AS sp JOIN stories AS s ON s.story_id = sp.story_id
                      WHERE sp.created_at >= ${t('start')} AND sp.created_at < ${t('end')} AND s.posts >= 2)),
m AS (${d === 'duckdb' ? D_ROLLED_MEAN() : B_ROLLED_MEAN()})`;
}
function storiesPanel(rolled = false): DialectSql {
  return {
    duckdb: `
${rolled ? storyCandidates('duckdb') : viewPosts('duckdb', 'ratio')},
v AS (
  SELECT f.post_id, f.source, COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) AS normalized,
         COALESCE(f.eng / NULLIF(m.mean_eng, 0), 0) / pow(greatest(epoch(CAST($end AS TIMESTAMPTZ)) - epoch(f.created_at), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM f JOIN m USING (source)),
g AS (
  SELECT sp.story_id, count(*) AS posts, list_sort(list_distinct(list(v.source))) AS sources,
         list_sum(list(v.normalized ORDER BY v.post_id)) AS normalized, list_sum(list(v.velocity ORDER BY v.post_id)) AS velocity
  FROM v JOIN story_posts AS sp ON sp.post_id = v.post_id
   AND sp.created_at >= CAST($start AS TIMESTAMPTZ) AND sp.created_at < CAST($end AS TIMESTAMPTZ)
  GROUP BY sp.story_id HAVING count(*) >= 2
  ORDER BY velocity DESC, sp.story_id LIMIT $limit),
ps AS (
  SELECT sp.story_id,
         list({'post_id': p.post_id, 'source': p.source, 'url': p.url, 'author_handle': p.author_handle, 'created_at': p.created_at,
               'title': COALESCE(p.title, left(p.text, 200)), 'eng': ${ENG}} ORDER BY p.created_at, p.post_id)[1:20] AS items
  FROM g JOIN story_posts AS sp USING (story_id) JOIN posts AS p ON p.post_id = sp.post_id
  WHERE ${D_PERIOD} AND sp.created_at >= CAST($start AS TIMESTAMPTZ) AND sp.created_at < CAST($end AS TIMESTAMPTZ)
  GROUP BY sp.story_id)
SELECT g.story_id, g.posts, g.sources, g.normalized, g.velocity, s.canonical_url, s.title, s.first_seen, s.last_seen,
       s.posts AS total_posts, s.sources AS all_sources, ps.items
FROM g JOIN stories AS s USING (story_id) LEFT JOIN ps USING (story_id)
ORDER BY g.velocity DESC, g.story_id`,
    bigquery: `
${rolled ? storyCandidates('bigquery') : viewPosts('bigquery', 'ratio')},
v AS (
  SELECT f.post_id, f.source, IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) AS normalized,
         IFNULL(SAFE_DIVIDE(f.eng, m.mean_eng), 0) / POW(GREATEST(TIMESTAMP_DIFF(TIMESTAMP(@end), f.created_at, SECOND), 0) / 3600.0 + 2, 1.8) AS velocity
  FROM f JOIN m USING (source)),
g AS (
  SELECT sp.story_id, COUNT(*) AS posts, ARRAY_AGG(DISTINCT v.source ORDER BY v.source) AS sources, SUM(v.normalized) AS normalized, SUM(v.velocity) AS velocity
  FROM v JOIN story_posts AS sp ON sp.post_id = v.post_id
   AND sp.created_at >= TIMESTAMP(@start) AND sp.created_at < TIMESTAMP(@end)
  GROUP BY sp.story_id HAVING COUNT(*) >= 2
  ORDER BY velocity DESC, sp.story_id LIMIT @limit),
ps AS (
  SELECT sp.story_id,
         ARRAY_AGG(STRUCT(p.post_id, p.source, p.url, p.author_handle, p.created_at, COALESCE(p.title, SUBSTR(p.text, 1, 200)) AS title, ${ENG} AS eng)
                   ORDER BY p.created_at, p.post_id LIMIT 20) AS items
  FROM g JOIN story_posts AS sp USING (story_id) JOIN posts AS p ON p.post_id = sp.post_id
  WHERE ${B_PERIOD} AND sp.created_at >= TIMESTAMP(@start) AND sp.created_at < TIMESTAMP(@end)
  GROUP BY sp.story_id)
SELECT g.story_id, g.posts, g.sources, g.normalized, g.velocity, s.canonical_url, s.title, s.first_seen, s.last_seen,
       s.posts AS total_posts, s.sources AS all_sources, ps.items
FROM g JOIN stories AS s USING (story_id) LEFT JOIN ps USING (story_id)
ORDER BY g.velocity DESC, g.story_id`,
  };
}
export const STORIES = storiesPanel();
export const POSTS_ONLY_STORIES = postsOnly(STORIES);

/** Stories through the rollups (see storiesPanel): the same rows as POSTS_ONLY_STORIES. */
export const STORIES_FROM_ROLLUPS = storiesPanel(true);

/** Empty when the warehouse has no stories tables (loaded before they existed). */
export const stories = definePanel({
  name: 'stories',
  limit: 15,
  sql: { raw: STORIES, postsOnly: POSTS_ONLY_STORIES, rollups: STORIES_FROM_ROLLUPS },
  async load(c): Promise<StoryRow[]> {
    const found = await c.run('storiesTable', STORIES_TABLE, {}, { gate: true }).catch((): Row[] => []);
    if (!found[0] || num(found[0].n) === 0) return [];
    return (await c.query()).map((r) => ({
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
  },
});
