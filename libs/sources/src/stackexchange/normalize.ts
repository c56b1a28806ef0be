import type { Post } from '@social-pulse/schema';
import { anchors, hashtagsInText, htmlToText, httpLinks, normalizeTags } from '../html.ts';
import { firstIssue } from '../page.ts';
import type { Normalized, RawPage } from '../types.ts';
import { errorWrapper, question as questionSchema, wrapper, type Question } from './api.ts';
import { guardPage } from '../guard.ts';
import { isoFromSeconds } from '../time.ts';

/** The site a page came from (`site=` of its request), for ids and links. */
export function siteOf(url: string): string {
  try {
    return new URL(url).searchParams.get('site') ?? 'stackoverflow';
  } catch {
    return 'stackoverflow';
  }
}

/** `stackoverflow` → stackoverflow.com; `dba` → dba.stackexchange.com; a domain stays as it is. */
export function siteHost(site: string): string {
  if (site.includes('.')) return site;
  return ['stackoverflow', 'serverfault', 'superuser', 'askubuntu', 'mathoverflow'].includes(site) ? `${site}.com` : `${site}.stackexchange.com`;
}

/** Low quota is worth a line: without a key the whole IP gets 300 requests a day. */
const LOW_QUOTA = 0.1;

function toPost(q: Question, page: RawPage, site: string): Post {
  const text = htmlToText(q.body);
  // Titles and display names come HTML-encoded (`&#39;`, `&amp;`).
  const title = htmlToText(q.title);
  const owner = q.owner ?? {};
  const name = htmlToText(owner.display_name ?? '') || 'unknown';
  const host = siteHost(site);
  const id = String(q.question_id);
  return {
    post_id: `stackexchange:${site}:${id}`,
    source: 'stackexchange',
    native_id: `${site}:${id}`,
    url: q.link ?? `https://${host}/questions/${id}`,
    kind: 'question',
    parent_id: null,
    conversation_id: null,
    author_id: owner.user_id != null ? `${site}:${owner.user_id}` : owner.account_id != null ? `account:${owner.account_id}` : name,
    author_handle: name,
    author_name: name,
    author_followers: null,
    created_at: isoFromSeconds(q.creation_date)!,
    collected_at: page.meta.fetched_at,
    lang: null,
    title,
    text,
    like_count: null,
    repost_count: null,
    reply_count: q.answer_count ?? null,
    quote_count: null,
    score: q.score ?? null,
    hashtags: normalizeTags([...(q.tags ?? []), ...hashtagsInText(text)]),
    mentions: [],
    links: httpLinks(anchors(q.body).map((a) => a.href)),
    queries: [page.meta.query],
    extra: JSON.stringify({
      site,
      ...(q.view_count != null ? { view_count: q.view_count } : {}),
      ...(q.is_answered != null ? { is_answered: q.is_answered } : {}),
      ...(q.accepted_answer_id ? { accepted_answer_id: q.accepted_answer_id } : {}),
      ...(owner.reputation != null ? { author_reputation: owner.reputation } : {}),
      ...(isoFromSeconds(q.last_edit_date) ? { edited_at: isoFromSeconds(q.last_edit_date) } : {}),
      ...(isoFromSeconds(q.closed_date) ? { closed_at: isoFromSeconds(q.closed_date), closed_reason: q.closed_reason ?? null } : {}),
      ...(q.bounty_amount ? { bounty: q.bounty_amount } : {}),
    }),
  };
}

/** A `/questions` page → posts, with the quota reported when it runs low. */
export function normalizeStackexchange(page: RawPage): Normalized {
  if (page.body === undefined) return { posts: [], rejected: [], pageError: 'body is not JSON' };
  const res = wrapper.safeParse(page.body);
  if (!res.success) {
    const err = errorWrapper.safeParse(page.body);
    return {
      posts: [],
      rejected: [],
      pageError: err.success ? `API error ${err.data.error_id} ${err.data.error_name}: ${err.data.error_message ?? ''}`.trim() : `not a questions response: ${firstIssue(res.error, 'body')}`,
    };
  }
  const site = siteOf(page.meta.url);
  const { quota_max: max, quota_remaining: left } = res.data;
  const out: Normalized = { posts: [], rejected: [], warnings: [] };
  if (max && left != null && left < max * LOW_QUOTA) {
    out.warnings!.push(`quota low: ${left} of ${max} requests left today${max <= 300 ? ' (set STACKEXCHANGE_KEY for 10,000)' : ''}`);
  }
  res.data.items.forEach((item, i) => {
    const parsed = questionSchema.safeParse(item);
    const rawId = (item as { question_id?: unknown })?.question_id;
    if (!parsed.success) return void out.rejected.push({ item: typeof rawId === 'number' ? String(rawId) : `#${i}`, reason: firstIssue(parsed.error, 'question') });
    out.posts.push(toPost(parsed.data, page, site));
  });
  return guardPage(out, page.meta.fetched_at);
}
