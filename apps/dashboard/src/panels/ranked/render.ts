import { el, externalLink } from '../../client/dom.ts';
import { fmt, utc } from '../../client/format.ts';
import type { Handlers } from '../../client/render.ts';
import { defineSection, section } from '../../client/section.ts';
import { sparkline } from '../../client/sparkline.ts';
import type { PostCard } from './index.ts';

function chip(text: string, onClick: (() => void) | null, cls: string): HTMLElement {
  if (!onClick) return el('span', { class: `chip ${cls}` }, text);
  const b = el('button', { type: 'button', class: `chip ${cls}`, title: `filter on ${text}` }, text);
  b.addEventListener('click', onClick);
  return b;
}

function postCard(p: PostCard, h: Handlers, live: boolean, rankBy: 'velocity' | 'normalized'): HTMLElement {
  const counts: [string, number | null][] = [
    ['likes', p.likes], ['reposts', p.reposts], ['replies', p.replies], ['quotes', p.quotes], ['score', p.score],
  ];
  return el(
    'article',
    { class: 'post', 'data-post-id': p.postId },
    el(
      'header',
      {},
      el('span', { class: `source source-${p.source}` }, p.source),
      ' ',
      el('span', { class: 'author', title: p.authorHandle }, p.authorName || p.authorHandle),
      ' ',
      el('span', { class: 'handle' }, `@${p.authorHandle}`),
      ' · ',
      el('time', { class: 'time' }, utc(p.createdAt)),
    ),
    p.title ? el('h3', { class: 'post-title' }, p.title) : null,
    el('p', { class: 'post-text' }, p.text),
    el(
      'div',
      { class: 'counts' },
      ...counts.filter(([, v]) => v !== null).map(([k, v]) => el('span', { class: 'count', 'data-count': k }, `${fmt(v!)} ${k}`)),
      el('span', { class: 'count rank', title: rankBy === 'velocity' ? (p.gainPerHour != null ? 'engagement gained per hour / mean of its source' : 'observed once: normalized engagement / (age h + 2)^1.8') : 'engagement / mean of its source' },
        rankBy === 'velocity' ? `velocity ${p.velocity.toPrecision(3)}` : `${p.normalized.toFixed(1)}× source mean`),
      rankBy === 'velocity' && p.gainPerHour != null ? el('span', { class: 'count gain', 'data-count': 'gain' }, `${p.gainPerHour >= 0 ? '+' : '−'}${Math.abs(p.gainPerHour).toPrecision(3)}/h`) : null,
      rankBy === 'velocity' && p.spark ? sparkline(p.spark) : null,
    ),
    el(
      'div',
      { class: 'tags' },
      ...p.topics.map((t) => chip(t, live ? () => h.setFilters({ topic: t }) : null, 'topic')),
      ...p.entities.map((e) => chip(`${e.text} (${e.type})`, live ? () => h.setFilters({ entity: e.text }) : null, 'entity')),
      ...p.hashtags.slice(0, 8).map((t) => el('span', { class: 'chip hashtag' }, `#${t}`)),
      p.sentiment ? el('span', { class: `chip sentiment ${p.sentiment}` }, p.sentiment) : null,
    ),
    el('footer', {}, externalLink(p.url, 'open original ↗', { class: 'post-link' })),
  );
}

function postList(panel: string, title: string, posts: PostCard[], h: Handlers, live: boolean, rankBy: 'velocity' | 'normalized', note: string): HTMLElement {
  return section(
    panel,
    title,
    el('p', { class: 'note' }, note),
    posts.length ? el('div', { class: 'posts' }, ...posts.map((p) => postCard(p, h, live, rankBy))) : el('p', { class: 'empty' }, 'No posts in this view.'),
  );
}

export const trendingSection = defineSection(
  'trending',
  (v, { h, live }) =>
    postList('trending', 'Rising now', v, h, live, 'velocity', 'Engagement gained per hour between a post’s last two observations, relative to its source’s mean; posts seen once: N / (hours + 2)^1.8.'),
  { grid: 'posts-grid' },
);

export const topPostsSection = defineSection(
  'topPosts',
  (v, { h, live }) => postList('top-posts', 'Top posts', v, h, live, 'normalized', 'Most engagement in the period, relative to each source’s mean.'),
  { grid: 'posts-grid' },
);
