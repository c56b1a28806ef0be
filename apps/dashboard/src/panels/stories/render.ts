import { el, externalLink } from '../../client/dom.ts';
import { fmt, utc } from '../../client/format.ts';
import { defineSection, section } from '../../client/section.ts';
import type { StoryRow } from './index.ts';

/** One story: a summary row (title, networks, figures) that expands to its posts in the view. */
function storyItem(s: StoryRow): HTMLElement {
  return el(
    'details',
    { class: 'story', 'data-story-id': s.storyId },
    el(
      'summary',
      {},
      el('span', { class: 'story-title' }, s.title || s.canonicalUrl || s.storyId),
      ' ',
      el('span', { class: 'story-sources' }, ...s.sources.flatMap((src, i) => [i ? ' ' : null, el('span', { class: `source source-${src}` }, src)])),
      ' ',
      el('span', { class: 'count', title: 'posts in this view (all time)' }, `${fmt(s.posts)} posts${s.totalPosts !== s.posts ? ` (${fmt(s.totalPosts)} in all)` : ''}`),
      ' ',
      el('span', { class: 'count', title: 'sum of its posts’ engagement / mean of their source' }, `${s.normalized.toFixed(1)}× engagement`),
      ' ',
      el('span', { class: 'count rank', title: 'sum of its posts’ velocities: N / (age h + 2)^1.8' }, `velocity ${s.velocity.toPrecision(3)}`),
    ),
    s.canonicalUrl ? el('p', { class: 'story-link' }, externalLink(s.canonicalUrl, s.canonicalUrl, { class: 'shared-link' })) : null,
    el(
      'ul',
      { class: 'story-posts' },
      ...s.items.map((i) =>
        el('li', { 'data-post-id': i.postId }, el('span', { class: `source source-${i.source}` }, i.source), ' ', el('span', { class: 'handle' }, `@${i.authorHandle}`), ' · ',
          el('time', { class: 'time' }, i.createdAt ? utc(i.createdAt) : ''), ' · ', `${fmt(i.engagement)} engagement`, ' · ', externalLink(i.url, i.title || 'open ↗', { class: 'post-link' }))),
    ),
  );
}

export const storiesSection = defineSection('stories', (v) =>
  section('stories', 'Stories across networks',
    el('p', { class: 'note' }, 'Posts sharing a canonical link or near-identical text, with two posts or more in this view, by the sum of their velocities. Open one for its posts.'),
    v?.length ? el('div', { class: 'stories' }, ...v.map(storyItem)) : el('p', { class: 'empty' }, 'No story with two posts or more in this view.')),
);
