import type { Post } from '@social-pulse/schema';
import { anchors, hashtagsInText, htmlToText, httpLinks, normalizeTags } from '../html.ts';
import { makePost, normalizeWith, stringId } from '../normalize.ts';
import type { Normalized, RawPage } from '../types.ts';
import { link as linkSchema, listing, type Link } from './api.ts';
import { isoFromSeconds } from '../time.ts';

const WEB = 'https://www.reddit.com';

/**
 * Without `raw_json=1` Reddit escapes `&`, `<` and `>` in every string (and `selftext_html`
 * twice). We ask for raw JSON, but recorded pages of both kinds must read the same.
 */
function unescapeLegacy(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const USER_MENTION = /(?:^|[^\w/])\/?u\/([A-Za-z0-9_-]{3,20})\b/g;

function toPost(l: Link, page: RawPage, legacy: boolean): Post {
  const html = l.selftext_html ? (l.selftext_html.startsWith('&lt;') ? unescapeLegacy(l.selftext_html) : l.selftext_html) : '';
  const text = html ? htmlToText(html) : legacy ? unescapeLegacy(l.selftext ?? '') : (l.selftext ?? '');
  // Titles are unescaped either way: a literal "&amp;" typed in a title is rarer than a
  // legacy page whose only sign of escaping is in its titles.
  const title = unescapeLegacy(l.title);
  const permalink = `${WEB}${l.permalink}`;
  const external = l.is_self === false && l.url ? (l.url.startsWith('/') ? `${WEB}${l.url}` : l.url) : undefined;
  const deleted = !l.author || l.author === '[deleted]';
  const crosspostOf = l.crosspost_parent?.replace(/^t3_/, '');
  return makePost('reddit', l.id, page, {
    url: permalink,
    kind: crosspostOf ? 'repost' : 'post',
    parent_id: crosspostOf ? `reddit:${crosspostOf}` : null,
    conversation_id: `reddit:${l.id}`,
    author_id: l.author_fullname ?? (deleted ? '[deleted]' : l.author!),
    author_handle: deleted ? '[deleted]' : l.author!,
    author_name: deleted ? '[deleted]' : l.author!,
    created_at: isoFromSeconds(l.created_utc)!,
    title,
    text,
    reply_count: l.num_comments ?? null,
    score: l.score ?? null,
    hashtags: normalizeTags(hashtagsInText(`${title}\n${text}`)),
    mentions: [...new Set([...text.matchAll(USER_MENTION)].map((m) => m[1]!.toLowerCase()))],
    links: httpLinks([external, ...anchors(html).map((a) => a.href)]),
    extra: JSON.stringify({
      subreddit: l.subreddit ?? null,
      ...(l.upvote_ratio != null ? { upvote_ratio: l.upvote_ratio } : {}),
      ...(l.link_flair_text ? { flair: unescapeLegacy(l.link_flair_text) } : {}),
      ...(l.domain ? { domain: l.domain } : {}),
      ...(isoFromSeconds(l.edited) ? { edited_at: isoFromSeconds(l.edited) } : {}),
      ...(l.over_18 ? { over_18: true } : {}),
      ...(l.stickied ? { stickied: true } : {}),
      ...(l.locked ? { locked: true } : {}),
      ...(l.removed_by_category ? { removed_by: l.removed_by_category } : {}),
      ...(l.post_hint ? { post_hint: l.post_hint } : {}),
    }),
  });
}

/** A `/r/{sub}/new` listing → posts. */
export function normalizeReddit(page: RawPage): Normalized {
  return normalizeWith(page, {
    envelope: listing,
    notEnvelope: (body, issue) => {
      const b = body as { message?: unknown; reason?: unknown } | null;
      return typeof b?.message === 'string' ? `API error: ${b.message}${typeof b.reason === 'string' ? ` (${b.reason})` : ''}` : `not a listing: ${issue}`;
    },
    // A subreddit that does not exist answers with a redirect to a subreddit search (t5 items).
    pageError: ({ data: { children } }) =>
      children.length && children.every((c) => c.kind === 't5') ? 'the subreddit does not exist (Reddit answered with a subreddit search)' : undefined,
    context: ({ data: { children } }) =>
      !/[?&]raw_json=1\b/.test(page.meta.url) ||
      children.some((c) => {
        const html = (c.data as { selftext_html?: unknown } | null)?.selftext_html;
        return typeof html === 'string' && html.startsWith('&lt;');
      }),
    items: ({ data: { children } }) => children,
    idOf: (c) => stringId((c as { data?: unknown }).data, 'id'),
    skip: (c) => ((c as { kind: string }).kind !== 't3' ? `kind ${(c as { kind: string }).kind}: not a post` : undefined),
    fields: (c) => (c as { data: unknown }).data,
    item: linkSchema,
    itemName: 'link',
    toPosts: (l, legacy) => [toPost(l, page, legacy)],
  });
}
