import { SECTIONS } from '../panels/sections.ts';
import type { DashboardData, ViewFilters } from '../types.ts';
import { useSourceColours } from './charts.ts';
import { el } from './dom.ts';
import { periodLabel, utc } from './format.ts';
import type { Page } from './section.ts';

export const PERIODS = ['24h', '7d', '30d', '90d', '365d'];
/** The source filter's choices: the sources of the build, as the server sent them. */
export const sourceNames = (d: Pick<DashboardData, 'sources'>): string[] => d.sources.map((s) => s.name);

export interface Handlers {
  /** Apply a change to the filters (a form submit, a click on a topic). */
  setFilters(patch: Partial<ViewFilters>): void;
  /** Null in a static export: no server to ask. */
  exportHref: string | null;
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

export function dashboard(d: DashboardData, h: Handlers, live: boolean): HTMLElement {
  useSourceColours(d.sources);
  const per = periodLabel(d.filters.period);
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
    ...sections({ d, h, live }),
    el('footer', { class: 'bottom' }, `Generated ${utc(d.generatedAt)} · queries ${Object.values(d.timings).reduce((a, b) => a + b, 0).toFixed(0)} ms`),
  );
}

/** Each panel's section in PANELS' order; consecutive sections of one grid side by side in it. */
function sections(page: Page): HTMLElement[] {
  const out: HTMLElement[] = [];
  let box: HTMLElement | null = null;
  let boxGrid: string | undefined;
  for (const s of SECTIONS) {
    const node = s?.draw(page);
    if (!s || !node) continue;
    if (!s.grid) {
      box = null;
      out.push(node);
      continue;
    }
    if (!box || boxGrid !== s.grid) {
      box = el('div', { class: `grid ${s.grid}` });
      boxGrid = s.grid;
      out.push(box);
    }
    box.appendChild(node);
  }
  return out;
}
