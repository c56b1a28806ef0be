import type { Post } from '@social-pulse/schema';
import { BlueskySource, emptyCursor, HackernewsSource, MastodonSource, RedditSource, type Source } from '@social-pulse/sources';
import {
  algoliaHit,
  blueskyPost,
  mastodonStatus,
  redditLink,
  scrapeForTest,
  startFakeAlgolia,
  startFakeBluesky,
  startFakeMastodon,
  startFakeReddit,
  type ReplayServer,
} from '@social-pulse/sources/testing';
import { DuckDBWarehouse, updateStories } from '@social-pulse/warehouse';
import { parquetOf } from '@social-pulse/warehouse/testing';
import { posts as postsTable } from '@social-pulse/schema';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Stories from posts as the sources' normalizers make them, scraped from local fakes that answer
 * each API's recorded shapes: the primary link of each network (HN `url`, Reddit's link,
 * Bluesky's external embed, Mastodon's card) and cross-posted text.
 */
const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));
const keep = (s: ReplayServer) => (servers.push(s), s);

const secs = Date.parse('2026-11-20T10:00:00Z') / 1000;
const at = new Date('2026-11-20T11:00:00Z');
const reddit = { REDDIT_CLIENT_ID: 'p-jcoLKBynTLew', REDDIT_CLIENT_SECRET: 'gko_LXELoV07ZBNUXrvWZfzE3aI' };
const bluesky = { BLUESKY_HANDLE: 'me.bsky.social', BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' };
const ARTICLE = 'https://www.Example.com/2026/11/lakehouse-costs/';
const CROSS = 'Our team moved three hundred pipelines from cron to a real orchestrator this quarter and here is what broke first';

async function scrape(src: Source, env: NodeJS.ProcessEnv = {}): Promise<Post[]> {
  return (await scrapeForTest(src, emptyCursor(), { env, since: new Date('2026-11-01T00:00:00Z') })).posts;
}

async function storiesOf(posts: Post[]) {
  const w = await DuckDBWarehouse.open(':memory:');
  try {
    await w.ensureSchema();
    await w.loadPosts([await parquetOf(postsTable, posts)]);
    await updateStories(w, { now: new Date('2026-11-21T00:00:00Z') });
    return await w.query<{ post_id: string; story_id: string; canonical_url: string | null }>('SELECT post_id, story_id, canonical_url FROM story_posts ORDER BY post_id');
  } finally {
    await w.close();
  }
}

describe('stories from scraped posts', () => {
  it('one story for the same link with tracking parameters on Hacker News, Reddit, Bluesky and Mastodon; one for a cross-post with different links', async () => {
    const hn = keep(await startFakeAlgolia(() => [
      algoliaHit('41000001', secs, { title: 'Lakehouse costs, measured', url: `${ARTICLE}?utm_source=hackernews&utm_medium=rss` }),
    ]));
    const rd = keep(await startFakeReddit({ clientId: reddit.REDDIT_CLIENT_ID, clientSecret: reddit.REDDIT_CLIENT_SECRET, links: () => [
      redditLink(1_700_000_001, secs + 60, { is_self: false, url: 'http://example.com/2026/11/lakehouse-costs?ref=reddit#comments', selftext: '', selftext_html: null }),
    ] }));
    const bs = keep(await startFakeBluesky({ handle: bluesky.BLUESKY_HANDLE, password: bluesky.BLUESKY_APP_PASSWORD, posts: () => [
      blueskyPost('3lstory000001', at, {
        record: { text: 'Worth a read #dataengineering', embed: { $type: 'app.bsky.embed.external', external: { uri: 'https://example.com/2026/11/lakehouse-costs?fbclid=IwAR0', title: 'Lakehouse costs', description: '' } } },
      }),
      blueskyPost('3lcross000001', at, { record: { text: `${CROSS} #dataengineering https://bsky.example/a` } }),
    ] }));
    const md = keep(await startFakeMastodon(() => [
      mastodonStatus('109000000000000501', 'mastodon.social', {
        content: '<p>Measured costs <a href="https://example.com/2026/11/lakehouse-costs?utm_campaign=toot">example.com/2026/11/lakehouse-costs</a></p>',
        card: { url: 'https://example.com/2026/11/lakehouse-costs?utm_campaign=toot', title: 'Lakehouse costs', description: '', type: 'link' },
      }),
      mastodonStatus('109000000000000502', 'mastodon.social', { content: `<p>${CROSS} #dataengineering <a href="https://toot.example/b">toot.example/b</a></p>` }),
    ]));
    const posts = [
      ...(await scrape(new HackernewsSource({ type: 'hackernews', queries: ['lakehouse'], tags: ['story'], enabled: true, baseUrl: hn.url }))),
      ...(await scrape(new RedditSource({ type: 'reddit', subreddits: ['dataengineering'], enabled: true, baseUrl: rd.url, authUrl: rd.url }), reddit)),
      ...(await scrape(new BlueskySource({ type: 'bluesky', tags: ['dataengineering'], queries: [], enabled: true, baseUrl: bs.url }), bluesky)),
      ...(await scrape(new MastodonSource({ type: 'mastodon', instances: [md.url], tags: ['dataengineering'], enabled: true }))),
    ];
    expect(posts.map((p) => p.source).sort()).toEqual(['bluesky', 'bluesky', 'hackernews', 'mastodon', 'mastodon', 'reddit']);

    const rows = await storiesOf(posts);
    const byId = Object.fromEntries(rows.map((r) => [r.post_id, r]));
    const story = (source: string, id: string) => byId[posts.find((p) => p.source === source && p.native_id.endsWith(id))!.post_id]!;
    const linked = [story('hackernews', '41000001'), story('reddit', (1_700_000_001).toString(36)), story('bluesky', '3lstory000001'), story('mastodon', '109000000000000501')];
    expect(new Set(linked.map((r) => r.story_id)).size).toBe(1);
    expect(linked.map((r) => r.canonical_url)).toEqual(Array(4).fill('https://example.com/2026/11/lakehouse-costs'));
    const crossBs = story('bluesky', '3lcross000001');
    const crossMd = story('mastodon', '109000000000000502');
    expect(crossBs.story_id).toBe(crossMd.story_id);
    expect(crossBs.canonical_url).not.toBe(crossMd.canonical_url);
    expect(crossBs.story_id).not.toBe(linked[0]!.story_id);
  });
});
