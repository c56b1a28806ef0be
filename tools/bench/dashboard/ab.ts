/**
 * Two versions of the dashboard against each other, page by page in alternation (A, B, A, B…):
 * each version is the real dashboard app of a checkout of this repository, in its own process
 * (as `pulse dashboard` starts it), over a DuckDB warehouse whose rollups that version built.
 * On a shared machine whose speed drifts (this 2-core one moved by 1.5–2× within an hour),
 * pages measured minutes apart cannot be compared; pages in alternation meet the same machine,
 * so their ratio holds when their absolute figures do not. The baseline is the other version,
 * in the same run.
 *
 *   npx tsx tools/bench/dashboard/ab.ts --a TREE:FILE --b TREE:FILE
 *       [--views 30d@2026-11-23T12:00:00Z,30d@2026-11-24T00:00:00Z,365d@2026-11-24T00:00:00Z] [--pages 40]
 *
 * TREE: a checkout with its node_modules: `npm ci` in it, or (same lockfile) hard links of every
 * node_modules folder of this checkout, the workspaces' own included (libs/config and
 * libs/runtime hold versions of their own): `git worktree add /tmp/a <commit>`, then
 * `find . -name node_modules -prune` and `cp -al` each. FILE: a warehouse of that version, e.g. a copy of one seeded by
 * tools/bench/dashboard/main.ts --keep, opened for writing once by that version (its rollups
 * are rebuilt when their version differs). Both may be the same file when the versions share
 * the rollups' definition. A view is PERIOD@END; a view that ends within a day is read as one
 * ending now is (its last day whole when no post lies after its end that day).
 *
 * Prints, per view, each version's p50 and p95 of the whole request (after one warm-up request
 * each) and B's ratio to A.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startDashboardApp } from '../lib.ts';

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required (see the usage at the top of tools/bench/dashboard/ab.ts)`);
  return v;
}

interface Side {
  name: 'A' | 'B';
  tree: string;
  file: string;
}

function side(name: 'A' | 'B', spec: string): Side {
  const at = spec.lastIndexOf(':');
  if (at <= 0) throw new Error(`--${name.toLowerCase()} expects TREE:FILE, got ${spec}`);
  const tree = path.resolve(spec.slice(0, at));
  const file = path.resolve(spec.slice(at + 1));
  if (!existsSync(path.join(tree, 'apps/dashboard/src/main.ts'))) throw new Error(`${tree} is not a checkout of social-pulse (no apps/dashboard/src/main.ts)`);
  if (!existsSync(file)) throw new Error(`no warehouse file at ${file}`);
  return { name, tree, file };
}

async function start(s: Side, dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const config = path.join(dir, `${s.name}.config.yaml`);
  await writeFile(config, `warehouse: duckdb:${s.file}\nsources: []\n`);
  return startDashboardApp(s.tree, config);
}

/** One page: the whole request's time, and its headline's posts (both versions must show the same view). */
async function page(url: string, period: string, end: string): Promise<{ ms: number; posts: number }> {
  const t = performance.now();
  const res = await fetch(`${url}/api/dashboard?period=${encodeURIComponent(period)}&end=${encodeURIComponent(end)}`);
  const body = (await res.json()) as { headline?: { current: { posts: number } }; error?: string };
  if (!res.ok || !body.headline) throw new Error(`${period} to ${end}: ${body.error ?? res.status}`);
  return { ms: performance.now() - t, posts: body.headline.current.posts };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function main(): Promise<void> {
  const a = side('A', option('a'));
  const b = side('B', option('b'));
  const pages = Number(option('pages', '40'));
  if (!Number.isInteger(pages) || pages < 2) throw new Error('--pages expects an integer of 2 or more');
  const views = option('views', '30d@2026-11-23T12:00:00Z,30d@2026-11-24T00:00:00Z,365d@2026-11-24T00:00:00Z').split(',').map((v) => {
    const [period, end] = v.split('@');
    if (!period || !end || Number.isNaN(Date.parse(end))) throw new Error(`--views expects PERIOD@END, got ${v}`);
    return { period, end };
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-bench-ab-'));
  const servers = await Promise.all([start(a, dir), start(b, dir)]);
  const load = () => os.loadavg()[0]!.toFixed(2);
  try {
    process.stdout.write(`A: ${a.tree} over ${a.file}\nB: ${b.tree} over ${b.file}\n${pages} pages of each per view, in alternation (${os.availableParallelism()} cores)\n\n`);
    const rows: string[][] = [];
    for (const { period, end } of views) {
      const ms: [number[], number[]] = [[], []];
      const posts: [number, number] = [0, 0];
      const load0 = load();
      for (let k = -1; k < pages; k++) {
        for (const i of [0, 1] as const) {
          const r = await page(servers[i]!.url, period, end);
          posts[i] = r.posts;
          if (k >= 0) ms[i].push(r.ms);
        }
      }
      if (posts[0] !== posts[1]) throw new Error(`${period} to ${end}: A shows ${posts[0]} posts and B ${posts[1]}: not the same data`);
      const f = (xs: number[]) => `${pct(xs, 50).toFixed(0)} / ${pct(xs, 95).toFixed(0)}`;
      const ratio = (p: number) => `×${(pct(ms[1], p) / pct(ms[0], p)).toFixed(2)}`;
      rows.push([`${period} to ${end}`, posts[0].toLocaleString('en-US'), f(ms[0]), f(ms[1]), `${ratio(50)} / ${ratio(95)}`, `${load0} → ${load()}`]);
    }
    const head = ['view', 'posts', 'A p50 / p95 ms', 'B p50 / p95 ms', 'B ÷ A', 'load average'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
    process.stdout.write([line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n') + '\n');
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
