/**
 * The page. Its state is the URL's query string (period, end, source, topic, entity, lang,
 * q), so a view can be bookmarked and shared; the data comes from /api/dashboard, or, in a
 * static export, from the JSON embedded in the file.
 */
import type { DashboardData, ViewFilters } from '../types.ts';
import { clear, el } from './dom.ts';
import { dashboard, type Handlers } from './render.ts';

const KEYS = ['period', 'end', 'source', 'topic', 'entity', 'lang', 'q'] as const;
const root = document.getElementById('app')!;

function queryOf(f: Partial<ViewFilters>): string {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k];
    if (v && !(k === 'period' && v === '7d')) p.set(k, v);
  }
  return p.toString();
}

/** The filters the URL names (validation is the server's; it answers 400 with the reason). */
function filtersFromUrl(): Record<string, string> {
  const p = new URLSearchParams(location.search);
  const out: Record<string, string> = {};
  for (const k of KEYS) {
    const v = p.get(k);
    if (v) out[k] = v;
  }
  return out;
}

function showError(message: string, problems: string[] = []): void {
  clear(root);
  root.appendChild(
    el('div', { class: 'error', role: 'alert' }, el('h1', {}, 'social-pulse'), el('p', {}, message), problems.length ? el('ul', {}, ...problems.map((p) => el('li', {}, p))) : null,
      el('p', {}, el('a', { class: 'reset-link' }, 'Back to the default view'))),
  );
  const a = root.querySelector('a.reset-link') as HTMLAnchorElement;
  a.href = location.pathname;
}

function render(d: DashboardData, live: boolean): void {
  const handlers: Handlers = {
    setFilters(patch) {
      const next = { ...filtersFromUrl(), ...patch };
      const qs = queryOf(next);
      history.pushState(null, '', qs ? `?${qs}` : location.pathname);
      void load();
    },
    exportHref: live ? `/export.html${location.search}` : null,
  };
  clear(root);
  root.appendChild(dashboard(d, handlers, live));
  document.title = `social-pulse · ${d.headline.current.posts} posts`;
  root.setAttribute('data-ready', 'true');
}

let generation = 0;
async function load(): Promise<void> {
  const mine = ++generation;
  root.setAttribute('data-ready', 'false');
  root.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch(`/api/dashboard?${new URLSearchParams(filtersFromUrl())}`, { headers: { accept: 'application/json' } });
    const body = (await res.json()) as DashboardData | { error: string; problems?: string[] };
    if (mine !== generation) return; // a newer view was asked for meanwhile
    if (!res.ok || 'error' in body) {
      const err = body as { error: string; problems?: string[] };
      showError(err.error ?? `HTTP ${res.status}`, err.problems);
      root.setAttribute('data-ready', 'error');
    } else {
      render(body, true);
    }
  } catch (e) {
    if (mine === generation) showError(`Could not reach the dashboard server: ${(e as Error).message}`);
  } finally {
    root.removeAttribute('aria-busy');
  }
}

const embedded = document.getElementById('pulse-data');
if (embedded) {
  render(JSON.parse(embedded.textContent ?? '{}') as DashboardData, false);
} else {
  window.addEventListener('popstate', () => void load());
  void load();
}
