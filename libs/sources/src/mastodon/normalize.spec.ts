import { describe, expect, it } from 'vitest';
import { encodeRawPage } from '../envelope.ts';
import type { RawMeta } from '../types.ts';
import { awkwardStatuses, mastodonStatus } from '../testing/fixtures.ts';
import { normalizeMastodon } from './normalize.ts';

const meta: RawMeta = {
  source: 'mastodon',
  query: '#dataengineering',
  queryKey: 'https://mastodon.social #dataengineering',
  url: 'https://mastodon.social/api/v1/timelines/tag/dataengineering?limit=40',
  status: 200,
  fetched_at: '2026-11-21T00:00:00.000Z',
  run_id: 'r1',
  headers: {},
};
const normalize = (body: unknown) => normalizeMastodon(encodeRawPage(meta, JSON.stringify(body)).page);

describe('Mastodon normalization', () => {
  const { posts, rejected } = normalize(awkwardStatuses('mastodon.social'));
  const byId = (id: string) => posts.find((p) => p.native_id.endsWith(id))!;

  it('turns HTML into plain text with entities decoded, and extracts tags, mentions, links', () => {
    const p = byId('109000000000000010');
    expect(p.text).toBe('Kafka & Flink <3 — streaming 🚀 https://example.com/post?a=1&b=2 #DataEngineering @bob');
    expect(p.hashtags).toEqual(['dataengineering']);
    expect(p.mentions).toEqual(['bob@fosstodon.org']);
    expect(p.links).toEqual(['https://example.com/post?a=1&b=2']);
    expect(p).toMatchObject({
      post_id: 'mastodon:https://mastodon.social/users/alice/statuses/109000000000000010',
      url: 'https://mastodon.social/@alice/109000000000000010',
      kind: 'post',
      author_handle: 'alice@mastodon.social',
      author_name: 'Alice',
      author_followers: 120,
      like_count: 3,
      repost_count: 2,
      reply_count: 1,
      quote_count: 4,
      score: null,
      lang: 'en',
      queries: ['#dataengineering'],
      collected_at: '2026-11-21T00:00:00.000Z',
    });
  });

  it('keeps absent optional fields null and right-to-left text intact', () => {
    const p = posts.find((x) => x.native_id === 'https://example.social/users/carol/statuses/55')!;
    expect(p.lang).toBeNull();
    expect(p.quote_count).toBeNull();
    expect(p.author_handle).toBe('carol@example.social');
    expect(p.author_name).toBe('carol');
    expect(p.text).toBe('مرحبا بالعالم — هندسة البيانات #dataengineering');
  });

  it('records edits and content warnings', () => {
    const p = byId('109000000000000012');
    expect(p.text).toBe('long post\n\nEdited: dbt models now run in Airflow.\n\nSecond paragraph.');
    expect(JSON.parse(p.extra!)).toMatchObject({ edited_at: '2026-11-20T02:00:00.000Z', local_id: '109000000000000012' });
  });

  it('stores a reblog as a repost of its original, and the original itself', () => {
    const original = posts.find((x) => x.native_id === 'https://fosstodon.org/users/erin/statuses/108999999999999000')!;
    const repost = posts.find((x) => x.kind === 'repost')!;
    expect(original).toMatchObject({ kind: 'post', author_handle: 'erin@fosstodon.org', text: 'Original by Erin about Snowflake costs' });
    expect(repost).toMatchObject({ parent_id: original.post_id, author_handle: 'dave@mastodon.social', text: original.text });
    expect(rejected).toEqual([]);
    expect(posts).toHaveLength(5);
  });

  it('rejects a bad item with its id and reason, keeping the rest of the page', () => {
    const good = awkwardStatuses('mastodon.social')[0]!;
    const out = normalize([{ id: '77', uri: 'x', content: '', account: null }, good]);
    expect(out.posts).toHaveLength(1);
    expect(out.rejected).toEqual([{ item: '77', reason: expect.stringMatching(/^created_at: /) }]);
  });

  it('flags a page that is not JSON or is an API error', () => {
    expect(normalizeMastodon(encodeRawPage(meta, '<html>502 Bad Gateway').page).pageError).toBe('body is not JSON');
    expect(normalize({ error: 'This API requires an authenticated user' }).pageError).toBe(
      'API error: This API requires an authenticated user',
    );
  });

  it("puts the card's link first (the post's primary link, which stories match on), then the text's", () => {
    const [p] = normalize([
      mastodonStatus('109000000000000099', 'mastodon.social', {
        content: '<p>via <a href="https://other.example.net/x">other.example.net/x</a></p>',
        card: { url: 'https://example.com/article', title: 'An article', description: '', type: 'link' },
      }),
    ]).posts;
    expect(p!.links).toEqual(['https://example.com/article', 'https://other.example.net/x']);
  });
});
