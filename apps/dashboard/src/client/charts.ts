import type { Chart as ChartJs, ChartConfiguration } from 'chart.js';
import type { EventMark, PageSource, Series } from '../types.ts';
import { el } from './dom.ts';
import { bucketLabel, fmt } from './format.ts';

declare global {
  interface Window {
    /** Chart.js' UMD build defines it (served from node_modules, or inlined in an export). */
    Chart?: typeof ChartJs;
  }
}

const PALETTE = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
/** Fixed colours: each source's (from its spec, sent by the server: `DashboardData.sources`), then the sentiments'. */
export const fixedColours = (sources: readonly Pick<PageSource, 'name' | 'colour'>[]): Record<string, string> => ({
  ...Object.fromEntries(sources.map((s) => [s.name, s.colour])),
  positive: '#16a34a', neutral: '#9ca3af', negative: '#dc2626', 'not labelled': '#e5e7eb',
});
let FIXED = fixedColours([]);
/** The sources' colours of the view being drawn (the page draws one view at a time). */
export const useSourceColours = (sources: readonly PageSource[]): void => void (FIXED = fixedColours(sources));
const colorOf = (name: string, i: number) => FIXED[name] ?? PALETTE[i % PALETTE.length]!;

const charts = new Map<string, ChartJs>();

/**
 * A chart of one series set, with the numbers also in a table under it: readable without
 * the canvas (screen readers, tests, copying into a message).
 */
export function seriesChart(id: string, s: Series, opts: { kind: 'bar' | 'line'; stacked: boolean; unit: string; events?: EventMark[] }): HTMLElement {
  const per = s.bucketSeconds < 86400 ? 'hour' : 'day';
  const labels = s.buckets.map((b) => bucketLabel(b, s.bucketSeconds));
  const marks = eventsPerBucket(s, opts.events ?? []);
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${opts.unit} per ${per}`);
  const box = el('div', { class: 'chart-box' }, canvas);
  const table = el(
    'table',
    { class: 'data', 'data-chart': id },
    el('thead', {}, el('tr', {}, el('th', {}, per), ...s.series.map((x) => el('th', {}, x.name)), ...(marks ? [el('th', {}, 'events')] : []))),
    el('tbody', {}, ...s.buckets.map((_b, i) => el('tr', {}, el('td', {}, labels[i]!), ...s.series.map((x) => el('td', { class: 'num' }, fmt(x.values[i] ?? 0))),
      ...(marks ? [el('td', { class: 'events' }, marks[i]!.map(eventName).join(', '))] : [])))),
  );
  const wrap = el('div', { class: 'chart', 'data-chart-id': id }, box, el('details', {}, el('summary', {}, 'Numbers'), table));
  if (!s.series.length) {
    wrap.replaceChildren(el('p', { class: 'empty' }, 'No posts in this view.'));
    return wrap;
  }
  const Chart = window.Chart;
  if (!Chart) return wrap; // the table still says it all
  charts.get(id)?.destroy();
  const config: ChartConfiguration<'bar' | 'line'> = {
    type: opts.kind,
    data: {
      labels,
      datasets: s.series.map((x, i) => ({
        label: x.name,
        data: x.values,
        backgroundColor: colorOf(x.name, i),
        borderColor: colorOf(x.name, i),
        borderWidth: opts.kind === 'line' ? 2 : 0,
        pointRadius: opts.kind === 'line' ? 2 : 0,
        tension: 0.25,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      scales: {
        x: { stacked: opts.stacked, title: { display: true, text: `${per} (UTC)` }, ticks: { maxRotation: 0, autoSkip: true } },
        y: { stacked: opts.stacked, beginAtZero: true, title: { display: true, text: `${opts.unit} per ${per}` }, ticks: { precision: 0 } },
      },
    },
  };
  if (marks && marks.some((m) => m.length)) {
    // A triangle above the bar of each bucket in which an event started; its own stack, so it is not added to the bars.
    const totals = s.buckets.map((_b, i) => s.series.reduce((a, x) => a + (x.values[i] ?? 0), 0));
    (config.data.datasets as unknown[]).push({
      type: 'line', label: 'events', stack: 'events', showLine: false, pointStyle: 'triangle', pointRadius: 7, pointHoverRadius: 9,
      backgroundColor: '#dc2626', borderColor: '#dc2626', data: marks.map((m, i) => (m.length ? totals[i]! : null)),
    });
    config.options!.plugins!.tooltip = {
      callbacks: { footer: (items) => { const i = items[0]?.dataIndex ?? -1; return i >= 0 && marks[i]!.length ? `events: ${marks[i]!.map(eventName).join(', ')}` : ''; } },
    };
  }
  // Drawn once the element is in the page, so Chart.js can size it to its box.
  queueMicrotask(() => charts.set(id, new Chart(canvas, config as ChartConfiguration)));
  return wrap;
}

/** How an event is named on the page: #tag, an entity's text, a topic's label. */
export function eventName(e: Pick<EventMark, 'kind' | 'key'>): string {
  if (e.kind === 'hashtag') return `#${e.key}`;
  if (e.kind === 'entity') return e.key.slice(e.key.indexOf(':') + 1);
  return e.key;
}

/** The events that started in each bucket of the series; undefined when there are none to mark. */
function eventsPerBucket(s: Series, events: EventMark[]): EventMark[][] | undefined {
  if (!events.length) return undefined;
  const step = s.bucketSeconds * 1000;
  const out = s.buckets.map(() => [] as EventMark[]);
  for (const e of events) {
    const t = Date.parse(e.startedAt);
    const i = s.buckets.findIndex((b) => t >= Date.parse(b) && t < Date.parse(b) + step);
    if (i >= 0) out[i]!.push(e);
  }
  return out;
}
