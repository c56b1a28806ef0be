import type { DashboardData, EntityRow, PostCard, StatusTile, StoryRow, ViewFilters } from '../types.ts';
import { eventName, seriesChart, useSourceColours } from './charts.ts';
import { el, externalLink } from './dom.ts';
import { age, change, fmt, fmtCompact, periodLabel, utc } from './format.ts';
import { sparkline } from './sparkline.ts';

export const PERIODS = ['24h', '7d', '30d', '90d', '365d'];
/** The source filter's choices: the sources of the build, as the server sent them. */
export const sourceNames = (d: Pick<DashboardData, 'sources'>): string[] => d.sources.map((s) => s.name);

export interface Handlers {
  /** Apply a change to the filters (a form submit, a click on a topic). */
  setFilters(patch: Partial<ViewFilters>): void;
  /** Null in a static export: no server to ask. */
  exportHref: string | null;
}

function section(panel: string, title: string, ...body: (Node | null)[]): HTMLElement {
  return el('section', { class: `panel panel-${panel}`, 'data-panel': panel }, el('h2', {}, title), ...body);
}

function select(name: string, label: string, current: string, values: string[], all: string | null, labelOf = (v: string) => v): HTMLElement {
  const s = el('select', { name, id: `f-${name}` }, all === null ? null : el('option', { value: '' }, all));
  for (const v of [...new Set(current ? [...values, current] : values)]) s.appendChild(el('option', { value: v, selected: v === current }, labelOf(v)));
  return el('label', { for: `f-${name}` }, label, s);
}

function datalistInput(name: string, label: string, current: string, values: string[], placeholder: string, max: number): HTMLElement {
  const input = el('input', { name, id: `f-${name}`, list: `l-${name}`, placeholder, autocomplete: 'off', maxlength: max });
  input.value = current;
  return el('label', { for: `f-${name}` }, label, input, el('datalist', { id: `l-${name}` }, ...values.map((v) => el('option', { value: v }))));
}

export function filterBar(d: DashboardData, h: Handlers, live: boolean): HTMLElement {
  const f = d.filters;
  const q = el('input', { name: 'q', id: 'f-q', type: 'search', placeholder: 'words in title or text', maxlength: 200 });
  q.value = f.q;
  const form = el(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'filters' },
    select('period', 'Period', f.period, PERIODS, null, (p) => `last ${periodLabel(p)}`),
    select('source', 'Source', f.source, d.options.sources.length ? d.options.sources : sourceNames(d), 'all sources'),
    select('topic', 'Topic', f.topic, d.options.topics, 'all topics'),
    datalistInput('entity', 'Entity', f.entity, d.options.entities, 'product, company…', 120),
    select('lang', 'Language', f.lang, d.options.languages, 'all languages'),
    el('label', { for: 'f-q' }, 'Search', q),
    el('button', { type: 'submit' }, 'Apply'),
    el('button', { type: 'reset', class: 'secondary' }, 'Reset'),
  );
  if (!live) for (const c of form.querySelectorAll('input, select, button')) c.setAttribute('disabled', '');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const get = (k: string) => String(data.get(k) ?? '').trim();
    h.setFilters({ period: get('period') || '7d', source: get('source'), topic: get('topic'), entity: get('entity'), lang: get('lang'), q: get('q') });
  });
  form.addEventListener('reset', (ev) => {
    ev.preventDefault();
    h.setFilters({ period: '7d', source: '', topic: '', entity: '', lang: '', q: '' });
  });
  return form;
}

function headline(d: DashboardData): HTMLElement {
  const items: [keyof DashboardData['headline']['current'], string][] = [
    ['posts', 'Posts'], ['authors', 'Authors'], ['sources', 'Sources'], ['engagement', 'Engagement'],
  ];
  const cur = d.headline.current;
  const prev = d.headline.previous;
  return section(
    'headline',
    `Last ${periodLabel(d.filters.period)}`,
    el(
      'div',
      { class: 'figures' },
      ...items.map(([k, label]) => {
        const c = change(cur[k], prev[k]);
        return el(
          'div',
          { class: 'figure', 'data-metric': k },
          el('div', { class: 'label' }, label),
          el('div', { class: 'value', 'data-value': cur[k] }, fmtCompact(cur[k])),
          el('div', { class: `change ${c.dir}`, 'data-previous': prev[k] }, `${c.text} vs previous ${periodLabel(d.filters.period)} (${fmt(prev[k])})`),
        );
      }),
    ),
  );
}

function tile(t: StatusTile, scheduleSeconds: number): HTMLElement {
  const failed = t.lastStatus === 'failed';
  return el(
    'div',
    { class: `tile ${t.freshness}${failed ? ' failed' : ''}`, 'data-tile': t.name, 'data-freshness': t.freshness },
    el('div', { class: 'tile-name' }, t.name, el('span', { class: 'tile-kind' }, t.kind === 'source' ? ' scrape' : ' step')),
    el('div', { class: 'tile-age' }, t.ageSeconds === null ? 'never succeeded' : `${age(t.ageSeconds)} ago`),
    el('div', { class: 'tile-detail' }, t.lastSuccessAt ? `last success ${utc(t.lastSuccessAt)}` : 'no successful run'),
    el('div', { class: 'tile-detail', 'data-rows': t.rowsAdded ?? '' }, t.rowsAdded === null ? '' : `${fmt(t.rowsAdded)} rows added`),
    t.lastStatus && t.lastStatus !== 'ok' ? el('div', { class: 'tile-detail status' }, `last run: ${t.lastStatus}${t.lastError ? ` — ${t.lastError}` : ''}`) : null,
    el('div', { class: 'tile-detail' }, t.freshness === 'stale' ? `stale: older than 2 × schedule (${age(2 * scheduleSeconds)})` : 'fresh'),
  );
}

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

function table(panel: string, head: string[], rows: (Node | string)[][], numeric: number[]): HTMLElement {
  if (!rows.length) return el('p', { class: 'empty' }, 'Nothing in this view.');
  return el(
    'table',
    { class: 'list', 'data-table': panel },
    el('thead', {}, el('tr', {}, ...head.map((x, i) => el('th', { class: numeric.includes(i) ? 'num' : undefined }, x)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : undefined }, c))))),
  );
}

function entityChange(e: EntityRow): string {
  return change(e.posts, e.previous).text;
}

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

export function dashboard(d: DashboardData, h: Handlers, live: boolean): HTMLElement {
  useSourceColours(d.sources);
  const per = periodLabel(d.filters.period);
  const quality = d.quality;
  return el(
    'main',
    {},
    el(
      'header',
      { class: 'top' },
      el('h1', {}, 'social-pulse'),
      el('p', { class: 'window' }, `${utc(d.window.start)} → ${utc(d.window.end)}, compared with the ${per} before · ${d.warehouse}`),
      h.exportHref ? (() => { const a = el('a', { class: 'export' }, 'Export this view (HTML)'); a.href = h.exportHref!; return a; })() : el('p', { class: 'static-note' }, `Static report generated ${utc(d.generatedAt)}`),
    ),
    filterBar(d, h, live),
    headline(d),
    section('status', 'Pipeline status', el('div', { class: 'tiles' }, ...d.status.tiles.map((t) => tile(t, d.status.scheduleSeconds)))),
    el(
      'div',
      { class: 'grid charts' },
      section('volume', 'Posts by source', seriesChart('volume', d.volume, { kind: 'bar', stacked: true, unit: 'posts', events: d.events })),
      section('sentiment', 'Sentiment over time', seriesChart('sentiment', d.sentiment, { kind: 'bar', stacked: true, unit: 'posts' })),
      section('topics', 'Topics over time', seriesChart('topics', d.topics, { kind: 'line', stacked: false, unit: 'posts' })),
    ),
    el(
      'div',
      { class: 'grid posts-grid' },
      postList('trending', 'Rising now', d.trending, h, live, 'velocity', 'Engagement gained per hour between a post’s last two observations, relative to its source’s mean; posts seen once: N / (hours + 2)^1.8.'),
      postList('top-posts', 'Top posts', d.topPosts, h, live, 'normalized', 'Most engagement in the period, relative to each source’s mean.'),
    ),
    section('stories', 'Stories across networks',
      el('p', { class: 'note' }, 'Posts sharing a canonical link or near-identical text, with two posts or more in this view, by the sum of their velocities. Open one for its posts.'),
      d.stories?.length ? el('div', { class: 'stories' }, ...d.stories.map(storyItem)) : el('p', { class: 'empty' }, 'No story with two posts or more in this view.')),
    el(
      'div',
      { class: 'grid tables' },
      section('authors', 'Top authors', table('authors', ['author', 'source', 'posts', 'engagement'],
        d.authors.map((a) => [el('span', { title: a.handle }, `${a.name} (@${a.handle})`), a.source, fmt(a.posts), fmt(a.engagement)]), [2, 3])),
      section('hashtags', 'Top hashtags', table('hashtags', ['hashtag', 'posts', 'authors'], d.hashtags.map((t) => [`#${t.tag}`, fmt(t.posts), fmt(t.authors)]), [1, 2])),
      section('links', 'Most-shared links', table('links', ['link', 'domain', 'posts'],
        d.links.map((l) => [externalLink(l.url, l.title || l.url, { class: 'shared-link' }), l.domain, fmt(l.posts)]), [2])),
      section('entities', 'Products and corporations', table('entities', ['name', 'type', 'posts', `previous ${per}`, 'change'],
        d.entities.map((e) => [e.text, e.type, fmt(e.posts), fmt(e.previous), entityChange(e)]), [2, 3, 4])),
    ),
    section('events', 'Events',
      el('p', { class: 'note' }, 'Hours in which a hashtag, entity or topic had far more posts than usual (▲ on the volume chart); strongest first.'),
      table('events', ['started (UTC)', 'what', 'kind', 'posts', 'usual', 'score', 'status'],
        d.events.map((e) => [utc(e.startedAt), eventName(e), e.kind, fmt(e.observed), e.expected.toFixed(1), e.score.toFixed(1), e.status]), [3, 4, 5])),
    quality
      ? section('quality', 'Data quality',
          el('p', { class: 'note' }, `${quality.checks.filter((c) => c.status === 'fail').length} of ${quality.checks.length} checks failed · run ${quality.runId} · ${utc(quality.checkedAt)}`),
          table('quality', ['check', 'source', 'status', 'severity', 'observed', 'expected', 'message'],
            quality.checks.map((c) => [c.check, c.source, el('span', { class: `dq-${c.status}` }, c.status), c.severity,
              c.observed === null ? '' : c.observed.toLocaleString('en-US', { maximumFractionDigits: 2 }), c.expected ?? '', c.message ?? '']), [4]))
      : null,
    el('footer', { class: 'bottom' }, `Generated ${utc(d.generatedAt)} · queries ${Object.values(d.timings).reduce((a, b) => a + b, 0).toFixed(0)} ms`),
  );
}
