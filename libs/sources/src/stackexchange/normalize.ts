import type { Post } from '@social-pulse/schema';
import { anchors, hashtagsInText, htmlToText, httpLinks, normalizeTags } from '../html.ts';
import { makePost, normalizeWith } from '../normalize.ts';
import type { Normalized, RawPage } from '../types.ts';
import { errorWrapper, question as questionSchema, wrapper, type Question } from './api.ts';
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
  return makePost('stackexchange', `${site}:${id}`, page, {
    url: q.link ?? `https://${host}/questions/${id}`,
    kind: 'question',
    author_id: owner.user_id != null ? `${site}:${owner.user_id}` : owner.account_id != null ? `account:${owner.account_id}` : name,
    author_handle: name,
    author_name: name,
    created_at: isoFromSeconds(q.creation_date)!,
    title,
    text,
    reply_count: q.answer_count ?? null,
    score: q.score ?? null,
    hashtags: normalizeTags([...(q.tags ?? []), ...hashtagsInText(text)]),
    links: httpLinks(anchors(q.body).map((a) => a.href)),
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
  });
}

/** A `/questions` page → posts, with the quota reported when it runs low. */
export function normalizeStackexchange(page: RawPage): Normalized {
  return normalizeWith(page, {
    envelope: wrapper,
    notEnvelope: (body, issue) => {
      const err = errorWrapper.safeParse(body);
      return err.success ? `API error ${err.data.error_id} ${err.data.error_name}: ${err.data.error_message ?? ''}`.trim() : `not a questions response: ${issue}`;
    },
    warnings: ({ quota_max: max, quota_remaining: left }) =>
      max && left != null && left < max * LOW_QUOTA ? [`quota low: ${left} of ${max} requests left today${max <= 300 ? ' (set STACKEXCHANGE_KEY for 10,000)' : ''}`] : [],
    context: () => siteOf(page.meta.url),
    items: ({ items }) => items,
    idOf: (item) => {
      const id = (item as { question_id?: unknown } | null)?.question_id;
      return typeof id === 'number' ? String(id) : undefined;
    },
    item: questionSchema,
    itemName: 'question',
    toPosts: (q, site) => [toPost(q, page, site)],
  });
}
