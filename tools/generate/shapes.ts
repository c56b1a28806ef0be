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
export interface Shape {
  source: string;
  pageSize: number;
  query: string;
  queryKey: (page: number) => string;
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
  pageSize: 100,
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

/** The shapes the generator can write, by source name. */
export const SHAPES: Record<string, Shape> = { mastodon, hackernews };

/** Share of posts per source when several are generated (a feed following one topic). */
export const SOURCE_WEIGHTS: Record<string, number> = { mastodon: 45, hackernews: 15, bluesky: 20, reddit: 10, x: 5, stackexchange: 5 };

export { plainText };
