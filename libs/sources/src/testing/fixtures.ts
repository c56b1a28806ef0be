import type { StatusJson } from './fake-mastodon.ts';
import type { HitJson } from './fake-algolia.ts';

/**
 * Payloads in the shapes the public API documentation gives (Mastodon's Status entity,
 * Algolia's HN hit), with the awkward cases real servers send: absent optional fields,
 * HTML entities, emoji, right-to-left text, a reblog, an edited status, a remote author.
 */
export function mastodonStatus(id: string, instance: string, over: Partial<StatusJson> = {}): StatusJson {
  const minute = Number(BigInt(id) % 100000n);
  return {
    id,
    created_at: new Date(Date.UTC(2026, 10, 20, 0, minute)).toISOString(),
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `https://${instance}/users/alice/statuses/${id}`,
    url: `https://${instance}/@alice/${id}`,
    replies_count: 1,
    reblogs_count: 2,
    favourites_count: 3,
    edited_at: null,
    content: `<p>Status ${id} about <a href="https://${instance}/tags/dataengineering" class="mention hashtag" rel="tag">#<span>DataEngineering</span></a></p>`,
    reblog: null,
    application: { name: 'Web', website: null },
    account: {
      id: '1',
      username: 'alice',
      acct: 'alice',
      display_name: 'Alice',
      locked: false,
      bot: false,
      created_at: '2022-11-01T00:00:00.000Z',
      note: '',
      url: `https://${instance}/@alice`,
      avatar: `https://${instance}/avatars/alice.png`,
      followers_count: 120,
      following_count: 80,
      statuses_count: 900,
      emojis: [],
      fields: [],
    },
    media_attachments: [],
    mentions: [],
    tags: [{ name: 'dataengineering', url: `https://${instance}/tags/dataengineering` }],
    emojis: [],
    card: null,
    poll: null,
    ...over,
  };
}

/** The hand-picked hard cases, on one instance. */
export function awkwardStatuses(instance: string): StatusJson[] {
  const base = (id: string, over: Partial<StatusJson>) => mastodonStatus(id, instance, over);
  return [
    base('109000000000000010', {
      content:
        '<p>Kafka &amp; Flink &lt;3 — streaming 🚀 <a href="https://example.com/post?a=1&amp;b=2" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>example.com/post?a=1&amp;b=2</a> <a href="https://' +
        instance +
        '/tags/DataEngineering" class="mention hashtag" rel="tag">#<span>DataEngineering</span></a> <span class="h-card"><a href="https://fosstodon.org/@bob" class="u-url mention">@<span>bob</span></a></span></p>',
      mentions: [{ id: '2', username: 'bob', acct: 'bob@fosstodon.org', url: 'https://fosstodon.org/@bob' }],
      card: { url: 'https://example.com/post?a=1&b=2', title: 'A post', description: '', type: 'link' },
      quotes_count: 4,
    }),
    base('109000000000000011', {
      // Optional fields absent altogether, as older servers send them.
      language: null,
      edited_at: undefined,
      card: undefined,
      account: { id: '3', username: 'carol', acct: 'carol@example.social', display_name: '', url: 'https://example.social/@carol' },
      content: '<p>مرحبا بالعالم — هندسة البيانات <a href="https://x/tags/dataengineering" class="mention hashtag" rel="tag">#dataengineering</a></p>',
      uri: 'https://example.social/users/carol/statuses/55',
      url: 'https://example.social/@carol/55',
    }),
    base('109000000000000012', {
      edited_at: '2026-11-20T02:00:00.000Z',
      content: '<p>Edited: dbt models now run in <strong>Airflow</strong>.</p><p>Second paragraph.</p>',
      spoiler_text: 'long post',
    }),
    base('109000000000000013', {
      // A reblog: the wrapper has the booster as account; the original is in `reblog`.
      content: '',
      account: { id: '4', username: 'dave', acct: 'dave', display_name: 'Dave', url: `https://${instance}/@dave`, followers_count: 5 },
      uri: `https://${instance}/users/dave/statuses/109000000000000013/activity`,
      url: `https://${instance}/users/dave/statuses/109000000000000013/activity`,
      reblog: mastodonStatus('108999999999999000', 'fosstodon.org', {
        // The id's default date would fall two months after the reblog.
        created_at: '2026-11-19T12:00:00.000Z',
        uri: 'https://fosstodon.org/users/erin/statuses/108999999999999000',
        url: 'https://fosstodon.org/@erin/108999999999999000',
        account: { id: '9', username: 'erin', acct: 'erin@fosstodon.org', display_name: 'Erin', url: 'https://fosstodon.org/@erin', followers_count: 50 },
        content: '<p>Original by Erin about Snowflake costs</p>',
      }),
    }),
  ];
}

/** A plain run of `n` statuses with increasing ids, newest last. */
export function statusRun(n: number, instance: string, firstId = 109000000000001000n): StatusJson[] {
  return Array.from({ length: n }, (_, i) => mastodonStatus(String(firstId + BigInt(i)), instance));
}

export function algoliaHit(objectID: string, createdAtI: number, over: Partial<HitJson> = {}): HitJson {
  return {
    objectID,
    created_at_i: createdAtI,
    created_at: new Date(createdAtI * 1000).toISOString(),
    author: `user${Number(objectID) % 7}`,
    title: `Story ${objectID} on data engineering`,
    url: `https://blog.example.com/${objectID}`,
    points: Number(objectID) % 50,
    num_comments: Number(objectID) % 9,
    story_text: null,
    story_id: Number(objectID),
    _tags: ['story', `author_user${Number(objectID) % 7}`, `story_${objectID}`],
    updated_at: new Date(createdAtI * 1000 + 60_000).toISOString(),
    ...over,
  };
}

/** Hand-picked hard cases for Hacker News. */
export function awkwardHits(t0: number): HitJson[] {
  return [
    algoliaHit('40000001', t0 + 10, {
      title: 'Ask HN: How do you test data engineering pipelines &amp; dbt models?',
      url: null,
      story_text:
        'I&#x27;m building <i>pipelines</i> with Spark.<p>How do you test them? See <a href="https:&#x2F;&#x2F;example.org&#x2F;x" rel="nofollow">https:&#x2F;&#x2F;example.org&#x2F;x</a> 😅',
      _tags: ['story', 'author_pat', 'story_40000001', 'ask_hn'],
      author: 'pat',
      points: 42,
      num_comments: 17,
    }),
    algoliaHit('40000002', t0 + 20, {
      title: 'Show HN: A DuckDB extension for data engineering — 日本語 too',
      points: null,
      num_comments: null,
      _tags: ['story', 'author_quinn', 'story_40000002', 'show_hn'],
      author: 'quinn',
    }),
  ];
}
