import type { SourceName } from '@social-pulse/sources/specs';
import { escapeHtml, plainText, title, type Body } from './corpus.ts';
import type { Random } from './random.ts';

/** One synthetic author, the same person on every network. */
export interface Author {
  n: number;
  name: string;
  handle: string;
  followers: number;
}

/** A post before it is shaped like a network's API item. */
export interface Draft {
  /** Unique per generated post (seed and counter). */
  id: string;
  createdAt: Date;
  author: Author;
  body: Body;
}

/** How one network's API pages look: item shape, page envelope, page size and request URL. */
/** The page size of most of the APIs (Mastodon's is 40). */
export const PAGE_SIZE = 100;

export interface Shape {
  source: string;
  /** Items per page, as the API gives at most; {@link PAGE_SIZE} where omitted. */
  pageSize?: number;
  query: string;
  /** The raw page's query key (how the lake names what was asked); the query itself where omitted. */
  queryKey?: (page: number) => string;
  url: (page: number) => string;
  item: (d: Draft, r: Random) => unknown;
  /** A copy of an item as seen again (another instance, a later fetch), or null if the network has no such thing. */
  repeat?: (item: unknown, r: Random) => unknown;
  page: (items: unknown[], n: number) => unknown;
}

const MASTODON_INSTANCES = ['mastodon.social', 'fosstodon.org', 'hachyderm.io', 'data-folks.masto.host'];

function mastodonContent(b: Body, instance: string): string {
  const tags = b.tags.map((t) => `<a href="https://${instance}/tags/${t}" class="mention hashtag" rel="tag">#<span>${t}</span></a>`);
  const links = b.links.map((l) => `<a href="${escapeHtml(l)}" target="_blank" rel="nofollow noopener noreferrer">${escapeHtml(l)}</a>`);
  return `<p>${escapeHtml(b.words.join(' '))}</p><p>${[...tags, ...links].join(' ')}</p>`;
}

const mastodon: Shape = {
  source: 'mastodon',
  pageSize: 40,
  query: '#dataengineering',
  queryKey: (p) => `https://${MASTODON_INSTANCES[p % MASTODON_INSTANCES.length]} #dataengineering`,
  url: (p) => `https://${MASTODON_INSTANCES[p % MASTODON_INSTANCES.length]}/api/v1/timelines/tag/dataengineering?limit=40`,
  item: (d, r) => {
    const home = MASTODON_INSTANCES[d.author.n % MASTODON_INSTANCES.length]!;
    const user = d.author.handle;
    return {
      id: d.id,
      created_at: d.createdAt.toISOString(),
      in_reply_to_id: r.chance(0.15) ? String(Number(d.id) - 1 - r.int(1000)) : null,
      in_reply_to_account_id: null,
      sensitive: false,
      spoiler_text: '',
      visibility: 'public',
      language: d.body.lang,
      uri: `https://${home}/users/${user}/statuses/${d.id}`,
      url: `https://${home}/@${user}/${d.id}`,
      replies_count: r.heavyTail(0.6, 1.8),
      reblogs_count: r.heavyTail(0.8, 1.5),
      favourites_count: r.heavyTail(2.5, 1.4),
      edited_at: null,
      content: mastodonContent(d.body, home),
      reblog: null,
      account: {
        id: String(d.author.n),
        username: user,
        acct: user,
        display_name: d.author.name,
        url: `https://${home}/@${user}`,
        followers_count: d.author.followers,
      },
      media_attachments: [],
      mentions: [],
      tags: d.body.tags.map((name) => ({ name, url: `https://${home}/tags/${name}` })),
      emojis: [],
      card: null,
      poll: null,
    };
  },
  // The same status as another instance sees it: another local id, a remote acct, the same URI.
  repeat: (item, r) => {
    const s = item as { id: string; account: { acct: string; url: string }; favourites_count: number };
    const home = new URL(s.account.url).host;
    return {
      ...s,
      id: `9${s.id}`,
      account: { ...s.account, acct: `${s.account.acct}@${home}` },
      favourites_count: s.favourites_count + r.int(3),
    };
  },
  page: (items) => items,
};

const hackernews: Shape = {
  source: 'hackernews',
  query: 'data engineering',
  queryKey: () => 'data engineering [story]',
  url: (p) => `https://hn.algolia.com/api/v1/search_by_date?query=data+engineering&tags=story&hitsPerPage=100&page=${p}`,
  item: (d, r) => {
    const ask = r.chance(0.15);
    const t = title(r, d.body);
    const at = Math.floor(d.createdAt.getTime() / 1000);
    return {
      _tags: ['story', `author_${d.author.handle}`, `story_${d.id}`, ...(ask ? ['ask_hn'] : [])],
      author: d.author.handle,
      children: [],
      created_at: d.createdAt.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
      created_at_i: at,
      num_comments: r.heavyTail(3, 1.3),
      objectID: d.id,
      points: 1 + r.heavyTail(3, 1.2),
      story_id: Number(d.id),
      ...(ask
        ? { title: `Ask HN: ${t}?`, story_text: `<p>${escapeHtml(d.body.words.join(' '))}</p>` }
        : { title: t, url: d.body.links[0] ?? `https://blog.example.org/${d.id}` }),
      updated_at: new Date((at + 3600) * 1000).toISOString(),
    };
  },
  page: (items, n) => ({
    exhaustive: { nbHits: false, typo: false },
    hits: items,
    hitsPerPage: 100,
    nbHits: 1000,
    nbPages: 10,
    page: n % 10,
    params: 'query=data+engineering&tags=story&hitsPerPage=100',
    processingTimeMS: 3,
    query: 'data engineering',
  }),
};

/** Bluesky facets index the UTF-8 bytes of the text. */
function bskyText(b: Body): { text: string; facets: unknown[] } {
  let text = b.words.join(' ');
  const facets: unknown[] = [];
  const add = (piece: string, feature: Record<string, string>) => {
    text += ' ';
    const start = Buffer.byteLength(text);
    text += piece;
    facets.push({ index: { byteStart: start, byteEnd: Buffer.byteLength(text) }, features: [feature] });
  };
  // Some clients write no facet for a tag: the normalizer must read it from the text too.
  b.tags.forEach((t, i) => (i % 3 === 2 ? (text += ` #${t}`) : add(`#${t}`, { $type: 'app.bsky.richtext.facet#tag', tag: t })));
  for (const l of b.links) add(l, { $type: 'app.bsky.richtext.facet#link', uri: l });
  return { text, facets };
}

const bluesky: Shape = {
  source: 'bluesky',
  query: '#dataengineering',
  url: (p) => `https://bsky.social/xrpc/app.bsky.feed.searchPosts?q=%23dataengineering&sort=latest&limit=100${p ? `&cursor=${p * 100}` : ''}`,
  item: (d, r) => {
    const did = `did:plc:gen${d.author.n.toString(36).padStart(8, '0')}`;
    const rkey = BigInt(d.id).toString(32);
    const { text, facets } = bskyText(d.body);
    const created = d.createdAt.toISOString();
    return {
      uri: `at://${did}/app.bsky.feed.post/${rkey}`,
      cid: `bafyrei${rkey}${d.author.n.toString(36)}`,
      author: { did, handle: `${d.author.handle}.bsky.social`, displayName: d.author.name, followersCount: d.author.followers, labels: [] },
      record: {
        $type: 'app.bsky.feed.post',
        text,
        createdAt: created,
        langs: [d.body.lang],
        facets,
        ...(d.body.links[0] ? { embed: { $type: 'app.bsky.embed.external', external: { uri: d.body.links[0], title: title(r, d.body), description: '' } } } : {}),
      },
      indexedAt: new Date(d.createdAt.getTime() + 1500).toISOString(),
      replyCount: r.heavyTail(0.5, 1.8),
      repostCount: r.heavyTail(0.8, 1.5),
      likeCount: r.heavyTail(3, 1.3),
      quoteCount: r.heavyTail(0.2, 2),
      labels: [],
    };
  },
  page: (items, n) => ({ cursor: String((n + 1) * 100), hitsTotal: 10_000, posts: items }),
};

/** X ids are snowflakes: the creation time is in their top bits. */
const snowflake = (ms: number, seq: number) => String(((BigInt(ms) - 1288834974657n) << 22n) | BigInt(seq & 0x3fffff));

const x: Shape = {
  source: 'x',
  query: '#dataengineering',
  url: () => 'https://api.x.com/2/tweets/search/recent?query=%23dataengineering&max_results=100&expansions=author_id',
  item: (d, r) => {
    const id = snowflake(d.createdAt.getTime(), Number(BigInt(d.id) % 4_000_000n));
    const text = plainText(d.body).slice(0, 280);
    return {
      tweet: {
        id,
        text,
        author_id: String(1_000_000 + d.author.n),
        created_at: d.createdAt.toISOString(),
        conversation_id: id,
        lang: d.body.lang,
        edit_history_tweet_ids: [id],
        public_metrics: {
          retweet_count: r.heavyTail(0.8, 1.4),
          reply_count: r.heavyTail(0.5, 1.6),
          like_count: r.heavyTail(4, 1.3),
          quote_count: r.heavyTail(0.2, 2),
          bookmark_count: r.heavyTail(0.3, 2),
          impression_count: r.heavyTail(200, 1.2),
        },
        entities: {
          hashtags: d.body.tags.map((tag) => ({ start: 0, end: tag.length + 1, tag })),
          urls: d.body.links.map((l) => ({ start: 0, end: 23, url: `https://t.co/${r.int(1e9).toString(36)}`, expanded_url: l, display_url: l.slice(8, 40) })),
        },
      },
      user: { id: String(1_000_000 + d.author.n), username: d.author.handle, name: d.author.name, public_metrics: { followers_count: d.author.followers } },
    };
  },
  page: (items) => {
    const pairs = items as { tweet: { id: string }; user: { id: string } }[];
    const users = [...new Map(pairs.map((p) => [p.user.id, p.user])).values()];
    const ids = pairs.map((p) => BigInt(p.tweet.id)).sort((a, b) => (a < b ? -1 : 1));
    return {
      data: pairs.map((p) => p.tweet),
      includes: { users },
      meta: { newest_id: String(ids.at(-1)), oldest_id: String(ids[0]), result_count: pairs.length, next_token: `b26v89c19zqg8o3fo${ids.length}` },
    };
  },
};

const reddit: Shape = {
  source: 'reddit',
  query: 'r/dataengineering',
  url: () => 'https://oauth.reddit.com/r/dataengineering/new?limit=100&raw_json=1',
  item: (d, r) => {
    const id = BigInt(d.id).toString(36);
    const t = title(r, d.body);
    const self = !d.body.links.length;
    const slug = t.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);
    return {
      kind: 't3',
      data: {
        id,
        name: `t3_${id}`,
        title: t,
        selftext: self ? plainText(d.body) : '',
        author: d.author.handle,
        author_fullname: `t2_${d.author.n.toString(36)}`,
        created_utc: Math.floor(d.createdAt.getTime() / 1000),
        permalink: `/r/dataengineering/comments/${id}/${slug}/`,
        url: self ? `https://www.reddit.com/r/dataengineering/comments/${id}/${slug}/` : d.body.links[0],
        is_self: self,
        domain: self ? 'self.dataengineering' : new URL(d.body.links[0]!).host,
        subreddit: 'dataengineering',
        score: r.heavyTail(6, 1.2),
        upvote_ratio: Math.round((0.5 + r.float() * 0.5) * 100) / 100,
        num_comments: r.heavyTail(4, 1.3),
        link_flair_text: r.pick(['Discussion', 'Help', 'Career', 'Blog', 'Open Source', null]),
        over_18: false,
        stickied: false,
        edited: false,
      },
    };
  },
  page: (items) => {
    const last = (items.at(-1) as { data: { name: string } } | undefined)?.data.name ?? null;
    return { kind: 'Listing', data: { after: last, dist: items.length, modhash: '', geo_filter: '', children: items, before: null } };
  },
};

const stackexchange: Shape = {
  source: 'stackexchange',
  query: '[data-engineering]',
  queryKey: () => 'stackoverflow [data-engineering]',
  url: (p) => `https://api.stackexchange.com/2.3/questions?site=stackoverflow&tagged=data-engineering&sort=creation&order=desc&filter=withbody&pagesize=100&page=${p + 1}`,
  item: (d, r) => {
    const qid = Number(BigInt(d.id) % 90_000_000n) + 10_000_000;
    const t = title(r, d.body);
    return {
      tags: ['data-engineering', ...d.body.tags.slice(0, 4).map((x) => x.replace(/_/g, '-'))],
      owner: { account_id: d.author.n, reputation: d.author.followers, user_id: d.author.n, user_type: 'registered', display_name: d.author.name, link: `https://stackoverflow.com/users/${d.author.n}` },
      is_answered: r.chance(0.6),
      view_count: r.heavyTail(40, 1.3),
      answer_count: r.heavyTail(0.8, 2),
      score: r.heavyTail(1, 1.5) - (r.chance(0.1) ? 1 : 0),
      last_activity_date: Math.floor(d.createdAt.getTime() / 1000) + 600,
      creation_date: Math.floor(d.createdAt.getTime() / 1000),
      question_id: qid,
      content_license: 'CC BY-SA 4.0',
      link: `https://stackoverflow.com/questions/${qid}/${t.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}`,
      title: escapeHtml(t),
      body: `<p>${escapeHtml(d.body.words.join(' '))}</p>\n<pre><code>SELECT * FROM events;</code></pre>`,
    };
  },
  page: (items) => ({ items, has_more: true, quota_max: 10_000, quota_remaining: 9_000 }),
};

/** The shapes the generator can write, by source name. */
/**
 * One shape per source of libs/sources' SOURCES (the type checker and
 * tools/test/sources-checklist.spec.ts insist), in the order the default `--sources` uses.
 */
export const SHAPES: Record<SourceName, Shape> = { mastodon, hackernews, bluesky, x, reddit, stackexchange };

/** Share of posts per source when several are generated (a feed following one topic). */
export const SOURCE_WEIGHTS: Record<SourceName, number> = { mastodon: 45, hackernews: 15, bluesky: 20, reddit: 10, x: 5, stackexchange: 5 };

export { plainText };
