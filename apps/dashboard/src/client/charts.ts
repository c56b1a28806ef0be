import type { Chart as ChartJs, ChartConfiguration } from 'chart.js';
import type { Series } from '../types.ts';
import { el } from './dom.ts';
import { bucketLabel, fmt } from './format.ts';

declare global {
  interface Window {
    /** Chart.js' UMD build defines it (served from node_modules, or inlined in an export). */
    Chart?: typeof ChartJs;
  }
}

const PALETTE = ['#2563eb', '#f97316', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
const FIXED: Record<string, string> = {
  mastodon: '#6364ff', hackernews: '#ff6600', bluesky: '#0a7aff', reddit: '#ff4500', x: '#111827', stackexchange: '#f48024',
  positive: '#16a34a', neutral: '#9ca3af', negative: '#dc2626', 'not labelled': '#e5e7eb',
};
const colorOf = (name: string, i: number) => FIXED[name] ?? PALETTE[i % PALETTE.length]!;

const charts = new Map<string, ChartJs>();

/**
 * A chart of one series set, with the numbers also in a table under it: readable without
 * the canvas (screen readers, tests, copying into a message).
 */
export function seriesChart(id: string, s: Series, opts: { kind: 'bar' | 'line'; stacked: boolean; unit: string }): HTMLElement {
  const per = s.bucketSeconds < 86400 ? 'hour' : 'day';
  const labels = s.buckets.map((b) => bucketLabel(b, s.bucketSeconds));
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${opts.unit} per ${per}`);
  const box = el('div', { class: 'chart-box' }, canvas);
  const table = el(
    'table',
    { class: 'data', 'data-chart': id },
    el('thead', {}, el('tr', {}, el('th', {}, per), ...s.series.map((x) => el('th', {}, x.name)))),
    el('tbody', {}, ...s.buckets.map((_b, i) => el('tr', {}, el('td', {}, labels[i]!), ...s.series.map((x) => el('td', { class: 'num' }, fmt(x.values[i] ?? 0)))))),
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
  // Drawn once the element is in the page, so Chart.js can size it to its box.
  queueMicrotask(() => charts.set(id, new Chart(canvas, config as ChartConfiguration)));
  return wrap;
}
