import type { Post, PostKind } from '@social-pulse/schema';
import { anchors, hashtagsInText, htmlToText, httpLinks, normalizeTags } from '../html.ts';
import { makePost, normalizeWith, stringId } from '../normalize.ts';
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
  return makePost('hackernews', h.objectID, page, {
    url: `${ITEM_URL}${h.objectID}`,
    kind,
    parent_id: kind === 'reply' && h.parent_id ? `hackernews:${h.parent_id}` : null,
    conversation_id: h.story_id ? `hackernews:${h.story_id}` : kind === 'reply' ? null : `hackernews:${h.objectID}`,
    author_id: h.author,
    author_handle: h.author,
    author_name: h.author,
    created_at: isoFromSeconds(h.created_at_i)!,
    // Titles come with HTML entities now and then (`&amp;`): decode them the same way.
    title: h.title ? htmlToText(h.title) : h.story_title ? htmlToText(h.story_title) : null,
    text,
    reply_count: h.num_comments ?? null,
    score: h.points ?? null,
    hashtags: normalizeTags(hashtagsInText(text)),
    links: httpLinks([h.url, ...anchors(html).map((a) => a.href)]),
  });
}

/** An Algolia search page → posts. */
export function normalizeHackernews(page: RawPage): Normalized {
  return normalizeWith(page, {
    envelope: searchResponse,
    notEnvelope: (_body, issue) => `not a search response: ${issue}`,
    context: () => undefined,
    items: ({ hits }) => hits,
    idOf: (item) => stringId(item, 'objectID'),
    item: hitSchema,
    itemName: 'hit',
    toPosts: (h) => [toPost(h, page)],
  });
}
