/**
 * A quick probe of whole dashboard pages on an existing warehouse, in this process (no server):
 * opens FILE read-only once, loads each view --repeat times after one warm-up and prints the
 * page's p50/p95 and each panel's p95 (loadDashboard's own timings). --reopen opens and closes
 * the file around each page instead (what the server did before it kept the file open); --raw
 * reads posts for every panel (the rollups' reference).
 *
 *   npx tsx apps/dashboard/scripts/pages-bench.ts FILE [--repeat 5] [--views 30d,365d] [--end ISO] [--raw] [--reopen]
 *
 * --end sets the views' end (default 2026-11-24T00:00:00Z, midnight: the views have whole days
 * only). A view that ends at another instant, as the dashboard's default (now) does, also reads
 * its two partial edge days: their whole hours from the hourly tiers, the rest from posts.
 */
import os from 'node:os';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { parseFilters } from '../src/filters.ts';
import { loadDashboard } from '../src/panels.ts';

const file = process.argv[2]!;
const opt = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : d;
};
const END = opt('end', '2026-11-24T00:00:00Z');
const repeat = Number(opt('repeat', '5'));
const raw = process.argv.includes('--raw');
const reopen = process.argv.includes('--reopen');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

let w = await DuckDBWarehouse.open(file, { readOnly: true });
try {
  process.stdout.write(`load average before: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  for (const period of opt('views', '30d,365d').split(',')) {
    const filters = parseFilters({ period, end: END });
    const pages: number[] = [];
    const panels = new Map<string, number[]>();
    let posts = 0;
    for (let k = 0; k <= repeat; k++) {
      const t0 = performance.now();
      if (reopen) {
        await w.close();
        w = await DuckDBWarehouse.open(file, { readOnly: true });
      }
      const d = await loadDashboard(w, filters, { scheduleSeconds: 3600, configuredSources: [], now: new Date(END), raw });
      const t = performance.now() - t0;
      posts = d.headline.current.posts;
      if (k === 0) continue; // warm-up
      pages.push(t);
      for (const [p, ms] of Object.entries(d.timings)) panels.set(p, [...(panels.get(p) ?? []), ms]);
    }
    const slow = [...panels].map(([p, xs]) => [p, pct(xs, 95)] as const).sort((a, b) => b[1] - a[1]);
    process.stdout.write(`${period} to ${END}${raw ? ' raw' : ''}${reopen ? ' reopened per page' : ''}: ${posts} posts, page p50 ${pct(pages, 50).toFixed(0)} ms, p95 ${pct(pages, 95).toFixed(0)} ms (${repeat} runs)\n`);
    process.stdout.write(`  panels p95: ${slow.map(([p, x]) => `${p} ${x.toFixed(0)}`).join(', ')}\n`);
  }
  process.stdout.write(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
} finally {
  await w.close();
}
