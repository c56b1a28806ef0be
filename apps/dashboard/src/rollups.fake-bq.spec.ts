import { readFile } from 'node:fs/promises';
import { posts as postsTable, TOP_POSTS_PER_DAY, type Post } from '@social-pulse/schema';
import { BigQueryWarehouse, updateStories, type DialectSql, type Params } from '@social-pulse/warehouse';
import { emulatorClientOptions, parquetOf, samplePost, startFakeBigQuery, type FakeBigQuery } from '@social-pulse/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, statementParams } from './panels.ts';
import { hashtags as hashtagsPanel } from './panels/hashtags/index.ts';
import { links as linksPanel } from './panels/links/index.ts';
import { topPosts } from './panels/ranked/index.ts';
import { viewParams } from './testing/view.ts';

/**
 * The BigQuery text of links through rollup_links_daily (every link, or only those that can rank), of hashtags through the spans or the daily rows and of
 * top posts through rollup_top_posts_daily run,
 * not only analysed (sql.zetasql.spec.ts): on the fake BigQuery (GoogleSQL rewritten for DuckDB),
 * after the warehouse's own MERGEs filled those rollups, they give the raw queries' rows. (Stories through
 * the rollups are not run here: the fake cannot run the posts list both variants share,
 * ARRAY_AGG of a STRUCT with LIMIT; ZetaSQL analyses them, and rollups.spec compares them on DuckDB.)
 */
const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
let w: BigQueryWarehouse;
const SOURCES = ['x', 'mastodon', 'bluesky', 'hackernews'] as const;

beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
  w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'dash', client: emulatorClientOptions(fake.url) });
  await w.ensureSchema();
  const rows: Post[] = Array.from({ length: 80 }, (_, i) => {
    const source = SOURCES[i % 4]!;
    return samplePost(String(i), {
      post_id: `${source}:${i}`, source, author_id: `a${i % 7}`, author_handle: `h${i % 7}`,
      created_at: new Date(Date.UTC(2026, 10, 10 + (i % 12), i % 24, i % 60)).toISOString(),
      kind: source === 'hackernews' ? 'story' : 'post', title: source === 'hackernews' ? `Story ${i % 3}` : null,
      text: `post number ${i} about things`, like_count: (i * 7) % 11, hashtags: i % 2 ? ['sql', 'dbt'] : ['rust'],
      extra: source === 'mastodon' ? JSON.stringify({ card_title: `Card ${i % 5}` }) : null,
      // Links shared by several posts: stories, and ties in posts per link.
      links: i % 3 ? [`https://example.com/l/${i % 9}`] : [],
    });
  });
  // A busy day of x's, its most engaging: more posts than rollup_top_posts_daily keeps a day, four
  // tied at the top and two tied across the cut (at the 10th and 11th places, 52 each), so that
  // top posts read a cut rollup and its ties. Without hashtags or links.
  for (let i = 0; i < 16; i++) {
    rows.push(samplePost(`busy${i}`, {
      author_id: `b${i % 5}`, created_at: new Date(Date.UTC(2026, 10, 19, 8, i)).toISOString(),
      like_count: i < 4 ? 100 : 50 + (i % 5), hashtags: [], links: [],
    }));
  }
  objects.set('gs://b/p.parquet', await readFile(await parquetOf(postsTable, rows)));
  await w.loadPosts(['gs://b/p.parquet']);
  await updateStories(w, { now: new Date('2026-11-24T00:00:00.000Z') });
}, 120_000);
afterAll(async () => {
  await w?.close();
  await fake?.close();
});

/** The rows of a statement of the page's, with the parameters the panels bind (BigQuery wants no strays). */
async function rows(sql: DialectSql, params: Params): Promise<unknown[]> {
  return w.query(sql, statementParams(sql.bigquery, params, '@'));
}

describe('links on the fake BigQuery', () => {
  it('in two steps are the raw query\'s links, ties at the k-th included', async () => {
    const views = [{ period: '30d', end: '2026-11-24T00:00:00Z' }, { period: '7d', end: '2026-11-21T12:00:00Z' }, { period: '30d', end: '2026-11-23T13:00:00Z', source: 'mastodon' }];
    let titled = 0;
    for (const view of views) {
      const params = viewParams(view);
      const links = await rows(linksPanel.sql.rollups, { ...params, limit: LIMITS.links });
      expect(links.length, JSON.stringify(view)).toBeGreaterThan(0);
      expect(links, JSON.stringify(view)).toEqual(await rows(linksPanel.sql.postsOnly, { ...params, limit: LIMITS.links }));
      titled += links.filter((l) => (l as { title: string | null }).title !== null).length;
      // Few links, so that ties at the k-th are in play: a limit of 3 as well.
      expect(await rows(linksPanel.sql.rollups, { ...params, limit: 3 })).toEqual(await rows(linksPanel.sql.postsOnly, { ...params, limit: 3 }));
      // Only the links that can rank (any filter: a link's posts over all time bound its posts in any view).
      expect(await rows(linksPanel.sql.bounded, { ...params, limit: LIMITS.links }), JSON.stringify(view)).toEqual(links);
      expect(await rows(linksPanel.sql.bounded, { ...params, limit: 3 })).toEqual(await rows(linksPanel.sql.postsOnly, { ...params, limit: 3 }));
      // The spans' way, for views without a source filter (spans have none).
      if (!view.source) {
        expect(await rows(linksPanel.sql.spans, { ...params, limit: LIMITS.links }), JSON.stringify(view)).toEqual(links);
        expect(await rows(linksPanel.sql.spans, { ...params, limit: 3 })).toEqual(await rows(linksPanel.sql.postsOnly, { ...params, limit: 3 }));
      }
    }
    expect(titled).toBeGreaterThan(0);
  }, 300_000);

  it('hashtags through the spans (views without a language filter) or the daily rows are the raw query\'s hashtags, ties at the k-th included', async () => {
    const views = [
      { period: '90d', end: '2026-11-24T00:00:00Z' }, { period: '7d', end: '2026-11-18T12:00:00Z' }, { period: '30d', end: '2026-11-21T13:00:00Z', source: 'x' },
      { period: '7d', end: '2026-11-18T12:00:00Z', lang: 'en' }, { period: '30d', end: '2026-11-21T13:00:00Z', source: 'x', lang: 'en' },
    ];
    for (const view of views) {
      const params = viewParams(view);
      // Three tags, two of them always tied in posts (sql and dbt): limits 1 and 2 cut through ties.
      for (const limit of [LIMITS.hashtags, 2, 1]) {
        const raw = await rows(hashtagsPanel.sql.postsOnly, { ...params, limit });
        expect(raw.length, JSON.stringify(view)).toBeGreaterThan(0);
        expect(await rows(hashtagsPanel.sql.rollups, { ...params, limit }), `${JSON.stringify(view)} ${limit}`).toEqual(raw);
        if (!view.lang) expect(await rows(hashtagsPanel.sql.spans, { ...params, limit }), `${JSON.stringify(view)} ${limit}`).toEqual(raw);
      }
    }
  }, 300_000);

  it('top posts through rollup_top_posts_daily are the raw query\'s top posts', async () => {
    const views = [
      { period: '30d', end: '2026-11-24T00:00:00Z' }, { period: '7d', end: '2026-11-18T12:00:00Z' },
      { period: '30d', end: '2026-11-21T13:00:00Z', source: 'x' }, { period: '30d', end: '2026-11-23T13:00:00Z', lang: 'en' },
    ];
    // The busy day's group was cut to what the panel can show.
    const [kept] = await w.query<{ n: number }>("SELECT COUNT(*) AS n FROM rollup_top_posts_daily WHERE source = 'x' AND day = TIMESTAMP('2026-11-19')");
    expect(Number(kept!.n)).toBe(TOP_POSTS_PER_DAY);
    for (const view of views) {
      const params = viewParams(view);
      // A limit of 3 as well: posts tied in engagement compete for the last places.
      for (const limit of [topPosts.limit, 3]) {
        const raw = await rows(topPosts.sql.postsOnly, { ...params, limit });
        expect(raw.length, JSON.stringify(view)).toBeGreaterThan(0);
        expect(await rows(topPosts.sql.rollups, { ...params, limit }), `${JSON.stringify(view)} ${limit}`).toEqual(raw);
      }
    }
  }, 300_000);
});
