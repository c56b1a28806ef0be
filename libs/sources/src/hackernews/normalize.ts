import type { Post, PostKind } from '@social-pulse/schema';
import { anchors, hashtagsInText, htmlToText, httpLinks, normalizeTags } from '../html.ts';
import { guardPage } from '../guard.ts';
import { isoFromSeconds } from '../time.ts';
import type { Normalized, RawPage } from '../types.ts';
import { hit as hitSchema, searchResponse, type Hit } from './api.ts';

const ITEM_URL = 'https://news.ycombinator.com/item?id=';

function kindOf(h: Hit): PostKind {
  const tags = h._tags ?? [];
  if (tags.includes('comment')) return 'reply';
  if (tags.includes('ask_hn')) return 'question';
  return 'story';
}

function toPost(h: Hit, page: RawPage): Post {
  const html = h.story_text ?? h.comment_text ?? '';
  const text = htmlToText(html);
  const kind = kindOf(h);
  return {
    post_id: `hackernews:${h.objectID}`,
    source: 'hackernews',
    native_id: h.objectID,
    url: `${ITEM_URL}${h.objectID}`,
    kind,
    parent_id: kind === 'reply' && h.parent_id ? `hackernews:${h.parent_id}` : null,
    conversation_id: h.story_id ? `hackernews:${h.story_id}` : kind === 'reply' ? null : `hackernews:${h.objectID}`,
    author_id: h.author,
    author_handle: h.author,
    author_name: h.author,
    author_followers: null,
    created_at: isoFromSeconds(h.created_at_i)!,
    collected_at: page.meta.fetched_at,
    lang: null,
    // Titles come with HTML entities now and then (`&amp;`): decode them the same way.
    title: h.title ? htmlToText(h.title) : h.story_title ? htmlToText(h.story_title) : null,
    text,
    like_count: null,
    repost_count: null,
    reply_count: h.num_comments ?? null,
    quote_count: null,
    score: h.points ?? null,
    hashtags: normalizeTags(hashtagsInText(text)),
    mentions: [],
    links: httpLinks([h.url, ...anchors(html).map((a) => a.href)]),
    queries: [page.meta.query],
    extra: null,
  };
}

/** An Algolia search page → posts. */
export function normalizeHackernews(page: RawPage): Normalized {
  if (page.body === undefined) return { posts: [], rejected: [], pageError: 'body is not JSON' };
  const res = searchResponse.safeParse(page.body);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    return { posts: [], rejected: [], pageError: `not a search response: ${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const out: Normalized = { posts: [], rejected: [] };
  res.data.hits.forEach((item, i) => {
    const parsed = hitSchema.safeParse(item);
    if (!parsed.success) {
      const id = (item as { objectID?: unknown })?.objectID;
      const issue = parsed.error.issues[0]!;
      out.rejected.push({ item: typeof id === 'string' ? id : `#${i}`, reason: `${issue.path.join('.') || 'hit'}: ${issue.message}` });
      return;
    }
    out.posts.push(toPost(parsed.data, page));
  });
  return guardPage(out, page.meta.fetched_at);
}
