/**
 * What a panel's section of the page is (panels/<name>/render.ts) and the helpers sections
 * share. The page draws the sections of SECTIONS (panels/sections.ts) in PANELS' order.
 */
import type { PanelName } from '../panels/index.ts';
import type { DashboardData } from '../types.ts';
import { el } from './dom.ts';
import type { Handlers } from './render.ts';

/** One view as the page draws it. */
export interface Page {
  d: DashboardData;
  h: Handlers;
  /** False in a static export: nothing to click through to. */
  live: boolean;
}

/** Sections side by side: consecutive sections of the same grid share one. */
export type Grid = 'charts' | 'posts-grid' | 'tables';

export interface Section<N extends PanelName = PanelName> {
  readonly name: N;
  readonly grid?: Grid;
  /** The section for this view, or null when the panel has nothing to show (quality without checks). */
  draw(page: Page): HTMLElement | null;
}

/** The section of panel `name`: `render` gets the panel's value (d[name]) and the page. */
export function defineSection<N extends PanelName>(name: N, render: (value: DashboardData[N], page: Page) => HTMLElement | null, opts: { grid?: Grid } = {}): Section<N> {
  return { name, ...opts, draw: (page) => render(page.d[name], page) };
}

export function section(panel: string, title: string, ...body: (Node | null)[]): HTMLElement {
  return el('section', { class: `panel panel-${panel}`, 'data-panel': panel }, el('h2', {}, title), ...body);
}

export function table(panel: string, head: string[], rows: (Node | string)[][], numeric: number[]): HTMLElement {
  if (!rows.length) return el('p', { class: 'empty' }, 'Nothing in this view.');
  return el(
    'table',
    { class: 'list', 'data-table': panel },
    el('thead', {}, el('tr', {}, ...head.map((x, i) => el('th', { class: numeric.includes(i) ? 'num' : undefined }, x)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', { class: numeric.includes(i) ? 'num' : undefined }, c))))),
  );
}
