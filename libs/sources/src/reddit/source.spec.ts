import { afterEach, describe, expect, it } from 'vitest';
import { emptyCursor } from '../cursor.ts';
import { encodeRawPage } from '../envelope.ts';
import { redditLimits, startFakeReddit } from '../testing/fake-reddit.ts';
import { awkwardRedditLinks, redditLink, redditRun, type LinkJson } from '../testing/fixtures-reddit.ts';
import { scrapeForTest, testContext } from '../testing/scrape.ts';
import { json, type ReplayServer } from '../testing/server.ts';
import type { RawMeta } from '../types.ts';
import { normalizeReddit } from './normalize.ts';
import { RedditSource } from './source.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const env = { REDDIT_CLIENT_ID: 'p-jcoLKBynTLew', REDDIT_CLIENT_SECRET: 'gko_LXELoV07ZBNUXrvWZfzE3aI' };
const t0 = Date.UTC(2026, 10, 20) / 1000;

async function fake(links: () => LinkJson[], extra: Partial<Parameters<typeof startFakeReddit>[0]> = {}, subs = ['dataengineering']) {
  const srv = await startFakeReddit({ clientId: env.REDDIT_CLIENT_ID, clientSecret: env.REDDIT_CLIENT_SECRET, links, ...extra });
  servers.push(srv);
  return { srv, src: new RedditSource({ type: 'reddit', subreddits: subs, enabled: true, baseUrl: srv.url, authUrl: srv.url }) };
}

const listing = (children: LinkJson[]) => ({ kind: 'Listing', data: { after: null, dist: children.length, children: children.map((data) => ({ kind: 't3', data })), before: null } });
const meta = (url: string): RawMeta => ({
  source: 'reddit', query: 'r/dataengineering', queryKey: 'r/dataengineering', url, status: 200, fetched_at: '2026-11-21T00:00:00.000Z', run_id: 'r', headers: {},
});

describe('Reddit normalization', () => {
  const { posts, rejected } = normalizeReddit(encodeRawPage(meta('https://oauth.reddit.com/r/dataengineering/new?limit=100&raw_json=1'), JSON.stringify(listing(awkwardRedditLinks(t0)))).page);
  const [self, link, cross] = posts;

  it('turns a self post into title + text, with links, mentions, score, comments and flair', () => {
    expect(self).toMatchObject({
      post_id: 'reddit:n5iuwx',
      url: 'https://www.reddit.com/r/dataengineering/comments/n5iuwx/question_n5iuwx_about_pipelines/',
      kind: 'post',
      title: 'Is dbt + DuckDB enough for a small team? 🤔 #dataengineering',
      text: 'We have 50 GB & growing.\n\nSee this post — thoughts, u/duck_fan?',
      links: ['https://motherduck.com/blog/x'],
      mentions: ['duck_fan'],
      hashtags: ['dataengineering'],
      score: 12,
      reply_count: 4,
      author_handle: 'pipeline_pat',
      author_id: 't2_abc123',
      created_at: new Date((t0 + 10) * 1000).toISOString(),
    });
    expect(JSON.parse(self!.extra!)).toMatchObject({ upvote_ratio: 0.93, flair: 'Help', subreddit: 'dataengineering', edited_at: new Date((t0 + 500.5) * 1000).toISOString() });
  });

  it('keeps optional fields optional: a deleted author, no upvote_ratio, no flair; Hebrew title intact', () => {
    expect(link).toMatchObject({ author_handle: '[deleted]', author_id: '[deleted]', title: 'מדריך: הנדסת נתונים עם Kafka', text: '', links: ['https://example.co.il/kafka-guide'] });
    expect(JSON.parse(link!.extra!)).not.toHaveProperty('upvote_ratio');
    expect(cross).toMatchObject({ kind: 'repost', parent_id: 'reddit:zzzzz', links: ['https://www.reddit.com/r/dataengineering/comments/zzzzz/original/'] });
    expect(rejected).toEqual([]);
  });

  it('reads legacy pages (no raw_json) with their escaped HTML the same way', () => {
    const legacy = redditLink(1_400_000_009, t0, {
      title: 'A &amp; B',
      selftext: 'x &lt; y &amp; z',
      selftext_html: '&lt;!-- SC_OFF --&gt;&lt;div class="md"&gt;&lt;p&gt;x &amp;lt; y &amp;amp; z&lt;/p&gt;&lt;/div&gt;',
    });
    const [p] = normalizeReddit(encodeRawPage(meta('https://oauth.reddit.com/r/dataengineering/new'), JSON.stringify(listing([legacy]))).page).posts;
    expect(p).toMatchObject({ title: 'A & B', text: 'x < y & z' });
  });

  it('flags error bodies and a subreddit search answered for a missing subreddit', () => {
    const n = (body: unknown) => normalizeReddit(encodeRawPage(meta('https://oauth.reddit.com/r/x/new'), JSON.stringify(body)).page);
    expect(n({ reason: 'private', message: 'Forbidden', error: 403 }).pageError).toBe('API error: Forbidden (private)');
    expect(n({ kind: 'Listing', data: { after: null, children: [{ kind: 't5', data: { display_name: 'dataeng' } }] } }).pageError).toMatch(/does not exist/);
  });
});

describe('Reddit source', () => {
  it('gets an app-only token once, pages with after, then stops at the last run’s newest post', async () => {
    const links = redditRun(230, t0);
    const { srv, src } = await fake(() => links);
    const first = await scrapeForTest(src, emptyCursor(), { env });
    expect(first.outcome).toMatchObject({ pages: 3, items: 230, stoppedBy: 'caught-up', problems: [] });
    expect(new Set(first.ids).size).toBe(230);
    expect(srv.tokens).toBe(1);
    expect(srv.requests[2]!.searchParams.get('after')).toMatch(/^t3_/);
    links.push(...redditRun(2, t0 + 99_999, 1_600_000_000));
    const second = await scrapeForTest(src, first.outcome.cursor, { env });
    expect(second.outcome.items).toBe(2);
    expect(second.outcome.pages).toBe(1);
  });

  it('fills a gap left by the limit with `after`, losing and repeating nothing', async () => {
    const { src } = await fake(() => redditRun(150, t0));
    const a = await scrapeForTest(src, emptyCursor(), { env, limit: 60 });
    expect(a.outcome.stoppedBy).toBe('limit');
    const b = await scrapeForTest(src, a.outcome.cursor, { env });
    const all = [...a.ids, ...b.ids];
    expect(new Set(all).size).toBe(150);
    expect(b.outcome.cursor.gaps).toEqual([]);
  });

  it('obeys X-Ratelimit-* on a 429, and reports refused credentials and a private subreddit', async () => {
    const { srv, src } = await fake(() => redditRun(5, t0), {
      faults: ({ path, n }) =>
        path.endsWith('/new') && n === 1 ? json({ message: 'Too Many Requests', error: 429 }, 429, { ...redditLimits(600), 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '1' }) : undefined,
    });
    const r = await scrapeForTest(src, emptyCursor(), { env });
    expect(r.outcome).toMatchObject({ items: 5, stoppedBy: 'caught-up' });
    expect(srv.requests.filter((u) => u.pathname.endsWith('/new'))).toHaveLength(2);
    const bad = await scrapeForTest(new RedditSource(src.config), emptyCursor(), { env: { ...env, REDDIT_CLIENT_SECRET: 'wrong' } });
    expect(bad.outcome.problems[0]).toMatch(/Reddit refused the app credentials \(HTTP 401\): check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET/);
    const { src: priv } = await fake(() => [], { privateSubs: ['secret_club'] }, ['secret_club']);
    const p = await scrapeForTest(priv, emptyCursor(), { env });
    expect(p.outcome.problems[0]).toMatch(/HTTP 403: .*private/);
    await expect(src.check(testContext(env))).resolves.toMatch(/^token granted; r\/dataengineering answers/);
  });
});
