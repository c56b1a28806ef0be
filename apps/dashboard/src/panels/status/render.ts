import { el } from '../../client/dom.ts';
import { age, fmt, utc } from '../../client/format.ts';
import { defineSection, section } from '../../client/section.ts';
import type { StatusTile } from './index.ts';

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

export const statusSection = defineSection('status', (v) =>
  section('status', 'Pipeline status', el('div', { class: 'tiles' }, ...v.tiles.map((t) => tile(t, v.scheduleSeconds)))),
);
