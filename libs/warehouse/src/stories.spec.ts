import type { Post } from '@social-pulse/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from './duckdb/warehouse.ts';
import { canonicalUrlSql, NEAR_DUPLICATE_THRESHOLD, updateStories } from './stories.ts';
import { parquetOf, samplePost } from './testing/rows.ts';
import { posts as postsTable } from '@social-pulse/schema';

let w: DuckDBWarehouse;
beforeEach(async () => {
  w = await DuckDBWarehouse.open(':memory:');
  await w.ensureSchema();
});
afterEach(async () => {
  await w.close();
});

const post = (source: Post['source'], id: string, over: Partial<Post> = {}): Post => samplePost(id, { post_id: `${source}:${id}`, source, ...over });

async function load(rows: Post[], now = '2026-11-21T01:00:00.000Z') {
  await w.loadPosts([await parquetOf(postsTable, rows)]);
  return updateStories(w, { now: new Date(now) });
}

const membership = async () =>
  Object.fromEntries((await w.query<{ post_id: string; story_id: string }>('SELECT post_id, story_id FROM story_posts ORDER BY post_id')).map((r) => [r.post_id, r.story_id]));

const CROSS_POST = 'We just released version 2.0 of our open source stream processor, with exactly once sinks and a new SQL planner';

describe('canonical links', () => {
  it('folds case, www, http, default ports, fragments, trailing slashes and tracking parameters, and keeps other parameters in order', async () => {
    const cases: [string, string | null][] = [
      ['HTTPS://WWW.Example.COM/Path/To/?utm_source=hn&utm_medium=social#section', 'https://example.com/Path/To'],
      ['http://example.com/a/b/?b=2&fbclid=XYZ&a=1&gclid=1&ref=front&ref_src=twsrc%5Etfw', 'https://example.com/a/b?b=2&a=1'],
      ['https://example.com:443/', 'https://example.com'],
      ['https://blog.example.com/post?id=7&UTM_Campaign=x', 'https://blog.example.com/post?id=7'],
      ['https://example.com/?referrer=keep', 'https://example.com?referrer=keep'],
      ['https://example.com/a//', 'https://example.com/a'],
      ['ftp://Files.example.com/x', 'ftp://files.example.com/x'],
      ['not a link', null],
    ];
    for (const [input, expected] of cases) {
      const [r] = await w.query<{ c: string | null }>(`SELECT ${canonicalUrlSql('$u', 'duckdb')} AS c`, { u: input });
      expect(r!.c, input).toBe(expected);
    }
  });
});

describe('stories (DuckDB)', () => {
  it('joins the same link with tracking parameters on three networks into one story, whose id is that of its canonical link', async () => {
    const r = await load([
      post('hackernews', '1', { title: 'DuckDB 2.0 released', text: '', links: ['https://duckdb.org/2026/11/20/announcing-duckdb-200.html?utm_source=hn'], score: 120, like_count: null }),
      post('reddit', 'a', { title: 'DuckDB 2.0 is out', text: 'thoughts?', links: ['http://www.duckdb.org/2026/11/20/announcing-duckdb-200.html/#top'], created_at: '2026-11-20T11:00:00.000Z' }),
      post('bluesky', 'b', { text: 'big release', links: ['https://DuckDB.org/2026/11/20/announcing-duckdb-200.html?fbclid=abc&ref=bsky'], created_at: '2026-11-20T12:00:00.000Z', like_count: 7 }),
      post('mastodon', 'm', { text: 'something else entirely', links: ['https://example.org/other'] }),
    ]);
    expect(r.assigned).toBe(4);
    expect(r.created).toBe(2);
    const stories = await w.query<{ story_id: string; canonical_url: string; title: string; posts: number; sources: string[]; engagement: number; first_seen: string; last_seen: string }>(
      'SELECT * FROM stories ORDER BY posts DESC',
    );
    expect(stories[0]).toMatchObject({
      canonical_url: 'https://duckdb.org/2026/11/20/announcing-duckdb-200.html',
      title: 'DuckDB 2.0 released',
      posts: 3,
      sources: ['bluesky', 'hackernews', 'reddit'],
      engagement: 120 + 1 + 7,
      first_seen: '2026-11-20T10:00:00.000Z',
      last_seen: '2026-11-20T12:00:00.000Z',
    });
    const [{ id }] = (await w.query<{ id: string }>(`SELECT substr(md5('u:https://duckdb.org/2026/11/20/announcing-duckdb-200.html'), 1, 16) AS id`)) as [{ id: string }];
    expect(stories[0]!.story_id).toBe(id);
    const m = await membership();
    expect(new Set([m['hackernews:1'], m['reddit:a'], m['bluesky:b']]).size).toBe(1);
    expect(m['mastodon:m']).not.toBe(m['hackernews:1']);
  });

  it('joins a cross-post with different links but the same text, and not a merely similar one', async () => {
    expect(NEAR_DUPLICATE_THRESHOLD).toBeGreaterThan(0.75);
    await load([
      post('mastodon', 'm1', { text: `${CROSS_POST} https://example.com/mastodon-link @alice`, links: ['https://example.com/a'] }),
      post('bluesky', 'b1', { text: `${CROSS_POST.toUpperCase()}!!`, links: ['https://example.com/b'], created_at: '2026-11-20T10:05:00.000Z' }),
      post('x', 'x1', { text: 'We just released version 3.1 of our closed source batch scheduler, with at least once sources and an old SQL planner', links: [] }),
      post('x', 'x2', { text: 'short text', links: [] }),
    ]);
    const m = await membership();
    expect(m['mastodon:m1']).toBe(m['bluesky:b1']);
    expect(m['x:x1']).not.toBe(m['mastodon:m1']);
    expect(Object.keys(m).length).toBe(4);
    const [s] = await w.query<{ sources: string[]; posts: number; canonical_url: string }>(`SELECT * FROM stories WHERE story_id = $id`, { id: m['mastodon:m1']! });
    expect(s).toMatchObject({ sources: ['bluesky', 'mastodon'], posts: 2, canonical_url: 'https://example.com/a' });
  });

  it('keeps ids when recomputed and when new posts join later (by link or by text), and refreshes engagement', async () => {
    await load([
      post('hackernews', '1', { title: 'A post about lakehouses', text: '', links: ['https://example.com/lake?utm_source=x'] }),
      post('mastodon', 'm1', { text: CROSS_POST, links: [] }),
    ]);
    const first = await membership();
    const storiesBefore = await w.query('SELECT story_id, posts, engagement FROM stories ORDER BY story_id');
    // Recomputing with nothing new changes nothing.
    const again = await updateStories(w, { now: new Date('2026-11-21T02:00:00.000Z') });
    expect(again).toEqual({ assigned: 0, stories: 0, created: 0 });
    expect(await membership()).toEqual(first);
    expect(await w.query('SELECT story_id, posts, engagement FROM stories ORDER BY story_id')).toEqual(storiesBefore);

    // New posts join the existing stories; one of them also bridges to a brand-new link, which then belongs to that story.
    const r = await load(
      [
        post('reddit', 'r1', { title: 'Lakehouses', text: '', links: ['https://www.example.com/lake/'], created_at: '2026-11-20T09:00:00.000Z' }),
        post('bluesky', 'b1', { text: CROSS_POST, links: ['https://example.net/release'] }),
        post('hackernews', '1', { title: 'A post about lakehouses', text: '', links: ['https://example.com/lake?utm_source=x'], score: 50, collected_at: '2026-11-21T03:00:00.000Z' }),
      ],
      '2026-11-21T04:00:00.000Z',
    );
    expect(r).toMatchObject({ assigned: 2, created: 0 });
    const m = await membership();
    expect(m['hackernews:1']).toBe(first['hackernews:1']);
    expect(m['mastodon:m1']).toBe(first['mastodon:m1']);
    expect(m['reddit:r1']).toBe(first['hackernews:1']);
    expect(m['bluesky:b1']).toBe(first['mastodon:m1']);
    await load([post('x', 'x9', { text: 'see', links: ['https://example.net/release?utm_medium=social'] })], '2026-11-21T05:00:00.000Z');
    expect((await membership())['x:x9']).toBe(first['mastodon:m1']);

    const [lake] = await w.query<{ posts: number; engagement: number; first_seen: string; sources: string[] }>('SELECT * FROM stories WHERE story_id = $id', { id: first['hackernews:1']! });
    expect(lake).toMatchObject({ posts: 2, engagement: 51 + 1, first_seen: '2026-11-20T09:00:00.000Z', sources: ['hackernews', 'reddit'] });
  });

  it('gives the same ids computed from scratch in one run as incrementally in several', async () => {
    const rows = [
      post('hackernews', '1', { links: ['https://example.com/one'], created_at: '2026-11-20T08:00:00.000Z' }),
      post('reddit', 'r', { links: ['https://example.com/one/?ref=hn'] }),
      post('mastodon', 'm', { text: CROSS_POST }),
      post('bluesky', 'b', { text: `${CROSS_POST} #streaming`, created_at: '2026-11-20T11:00:00.000Z' }),
    ];
    for (const r of rows) await load([r]);
    const incremental = await membership();
    await w.query('DELETE FROM story_posts; DELETE FROM story_keys; DELETE FROM stories');
    await w.query(`DELETE FROM pulse_state WHERE "key" = 'stories.done'`);
    await updateStories(w, { now: new Date('2026-11-22T00:00:00.000Z') });
    expect(await membership()).toEqual(incremental);
    expect(new Set(Object.values(incremental)).size).toBe(2);
  });

  it('reads only the days a load touched, and still assigns the posts an earlier run left without a story', async () => {
    // A load whose stories pass did not happen (it failed after the posts were merged).
    const early = await w.loadPosts([await parquetOf(postsTable, [post('reddit', 'old', { links: ['https://example.com/one'], created_at: '2026-11-02T10:00:00.000Z' })])]);
    expect(early.partitions).toEqual({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
    // The next load brings other days; its days bound the pass, and the left post is found anyway.
    const next = await w.loadPosts([await parquetOf(postsTable, [
      post('hackernews', 'new', { links: ['https://example.com/one?utm_source=hn'], created_at: '2026-11-20T08:00:00.000Z' }),
      post('x', 'later', { text: 'unrelated', created_at: '2026-11-21T23:59:59.999Z' }),
    ])]);
    expect(next.partitions).toEqual({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-22T00:00:00.000Z' });
    const r = await updateStories(w, { now: new Date('2026-11-22T00:00:00.000Z'), partitions: next.partitions });
    expect(r.assigned).toBe(3);
    const m = await membership();
    expect(m['hackernews:new']).toBe(m['reddit:old']);
    // A load with nothing new touches no day and assigns nothing.
    const idle = await w.loadPosts([]);
    expect(idle.partitions).toBeNull();
    expect(await updateStories(w, { now: new Date('2026-11-22T01:00:00.000Z'), partitions: idle.partitions })).toMatchObject({ assigned: 0, created: 0 });
    // A post left without a story is found by an idle pass too.
    await w.query(`DELETE FROM story_posts WHERE post_id = 'x:later'`);
    expect(await updateStories(w, { now: new Date('2026-11-22T02:00:00.000Z'), partitions: null })).toMatchObject({ assigned: 1 });
    expect(Object.keys(await membership())).toHaveLength(3);
  });
});
