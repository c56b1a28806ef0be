import type { SourceName } from '../list.ts';
import { encodeRawPage } from '../envelope.ts';
import type { RawMeta, RawPage } from '../types.ts';
import { algoliaHit, awkwardHits, awkwardStatuses, statusRun } from './fixtures.ts';
import { awkwardBlueskyPosts, blueskyRun } from './fixtures-bluesky.ts';
import { awkwardRedditLinks, redditRun } from './fixtures-reddit.ts';
import { awkwardQuestions, seRun } from './fixtures-stackexchange.ts';
import { awkwardTweets, xRun, xUsers } from './fixtures-x.ts';

/** When every fixture page was fetched: after every fixture item (the guard rejects items from the future). */
export const FIXTURE_FETCHED_AT = '2026-11-24T00:00:00.000Z';
const T0 = new Date(Date.UTC(2026, 10, 20));
const T0S = T0.getTime() / 1000;

/** The URL each source's fixture pages were fetched from (fixed, so that normalized output is too). */
const URLS: Record<SourceName, string> = {
  mastodon: 'https://mastodon.social/api/v1/timelines/tag/dataengineering?limit=40',
  hackernews: 'https://hn.algolia.com/api/v1/search_by_date?query=data+engineering&tags=story',
  bluesky: 'https://bsky.social/xrpc/app.bsky.feed.searchPosts?q=%23dataengineering&sort=latest',
  reddit: 'https://oauth.reddit.com/r/dataengineering/new?limit=100&raw_json=1',
  x: 'https://api.x.com/2/tweets/search/recent?query=%23dataengineering',
  stackexchange: 'https://api.stackexchange.com/2.3/questions?tagged=data-engineering&site=stackoverflow',
};

type Variant = 'plain' | 'awkward' | 'broken';
/** An item no normalizer can read (it lacks every field but an id): rejected with its reason. */
const BROKEN = { id: '42' };

/** One search page's body of each source, in its API's shape: plain items, the awkward cases, or plain items and a broken one. */
const BODIES: { [S in SourceName]: (v: Variant) => unknown } = {
  mastodon: (v) => (v === 'awkward' ? awkwardStatuses('mastodon.social') : [...statusRun(5, 'mastodon.social'), ...(v === 'broken' ? [BROKEN] : [])]),
  hackernews: (v) => {
    const plain = [1, 2, 3, 4, 5].map((i) => algoliaHit(String(41_000_000 + i), T0S + i * 60));
    const hits = v === 'awkward' ? awkwardHits(T0S) : [...plain, ...(v === 'broken' ? [{ objectID: '42' }] : [])];
    return { hits, nbHits: hits.length, page: 0, nbPages: 1, hitsPerPage: 100 };
  },
  bluesky: (v) => ({ posts: v === 'awkward' ? awkwardBlueskyPosts(T0) : [...blueskyRun(5, T0), ...(v === 'broken' ? [{ uri: 'at://did:plc:x/app.bsky.feed.post/42' }] : [])] }),
  reddit: (v) => {
    const links: unknown[] = v === 'awkward' ? awkwardRedditLinks(T0S) : [...redditRun(5, T0S), ...(v === 'broken' ? [BROKEN] : [])];
    return { kind: 'Listing', data: { after: null, dist: links.length, children: links.map((data) => ({ kind: 't3', data })), before: null } };
  },
  x: (v) => {
    const { hits, originals } = v === 'awkward' ? awkwardTweets(T0) : { hits: [...xRun(5, T0), ...(v === 'broken' ? [BROKEN] : [])], originals: [] };
    return { data: hits, includes: { users: xUsers, ...(originals.length ? { tweets: originals } : {}) }, meta: { result_count: hits.length } };
  },
  stackexchange: (v) => ({ items: v === 'awkward' ? awkwardQuestions(T0S) : [...seRun(5, T0S), ...(v === 'broken' ? [{ question_id: 42 }] : [])], has_more: false, quota_max: 300, quota_remaining: 299 }),
};

/**
 * Fixture raw pages of a source, as landed: a plain page, a page of the awkward cases (HTML
 * entities, emoji, right-to-left text, reposts), a page with a rejected item, pages that are not JSON or
 * not the envelope, and a refresh page (one post asked for that the answer lacks), each with
 * its raw-zone text. What the
 * normalizer makes of these is what normalizer-version.spec.ts hashes, and what the lake
 * writer's sidecar tests land.
 */
export function fixturePages(source: SourceName): { page: RawPage; text: string }[] {
  const meta = (over: Partial<RawMeta> = {}): RawMeta => ({
    source,
    query: '#dataengineering',
    queryKey: `${source} #dataengineering`,
    url: URLS[source],
    status: 200,
    fetched_at: FIXTURE_FETCHED_AT,
    run_id: '20261124T000000Z-fixture',
    headers: {},
    ...over,
  });
  const page = (m: RawMeta, body: string) => encodeRawPage(m, body);
  return [
    page(meta(), JSON.stringify(BODIES[source]('plain'))),
    page(meta(), JSON.stringify(BODIES[source]('awkward'))),
    page(meta(), JSON.stringify(BODIES[source]('broken'))),
    page(meta(), 'not json'),
    page(meta(), '{"unexpected": true}'),
    page(meta({ query: 'refresh', queryKey: 'refresh', refresh: [`${source}:gone-1`] }), JSON.stringify(BODIES[source]('plain'))),
  ];
}
