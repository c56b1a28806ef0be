/**
 * End-to-end benchmark: `pulse run` over a generated raw zone of N posts (default 25,000, the
 * 2023 project's corpus) with the tiny NLP models, step by step (from `pipeline_runs`), then
 * the same command again with nothing new, which is what a scheduled run costs most of the
 * time, measured in the same run. The tiny models cost almost nothing to run, so the enrich
 * figure is the framework's own cost (reading posts, hashing, tokenizing, batching, writing
 * labels); tools/bench/enrich measures models.
 *
 * Then the idle run alone, `--idle N` times, interleaved with its baselines started the same
 * way (the same spawn, GNU time, environment): `node -e ''`, the floor of any Node process,
 * and the same idle run from the TypeScript sources through tsx (PULSE_FROM_SOURCE=1), as
 * every run was started before the compiled build. Medians, with the ratio to `node -e ''`.
 *
 *   npx tsx tools/bench/pipeline/main.ts [--posts 25k] [--seed 1] [--idle 7]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildTinyModels } from '@social-pulse/nlp/testing';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { fmt, generatePosts, machine, measure, parseSizes, pulse, scratch, table } from '../lib.ts';

const { values } = parseArgs({ options: { posts: { type: 'string', default: '25k' }, seed: { type: 'string', default: '1' }, idle: { type: 'string', default: '7' } } });
const n = parseSizes(values.posts, [25_000])[0]!;
const s = await scratch('pipeline');
const models = await buildTinyModels(path.join(s.dir, 'models'), { asDefaults: true });
const env = { PULSE_MODELS_DIR: models.dir };

interface StepRow {
  run_id: string;
  step: string;
  seconds: number;
  rows_in: bigint | null;
  rows_out: bigint | null;
  status: string;
}

async function steps(): Promise<StepRow[]> {
  const { db, conn } = await openDuckDB(s.warehouse);
  try {
    return await queryRows<StepRow>(
      conn,
      `SELECT run_id, step, epoch(finished_at) - epoch(started_at) AS seconds, rows_in, rows_out, status
       FROM pipeline_runs WHERE source = '*' AND finished_at IS NOT NULL ORDER BY started_at`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

process.stdout.write(`end-to-end pulse run benchmark on ${machine()}\n\n`);
const gen = await generatePosts(s, n, { seed: Number(values.seed), end: new Date().toISOString(), days: 7 });
process.stdout.write(`generated ${fmt(n)} posts in ${fmt(gen.seconds)} s\n\n`);
const first = await pulse(s, ['run', '--skip', 'scrape'], env);
process.stdout.write(`${first.stdout.trim()}\n\n`);
const afterFirst = await steps();
const again = await pulse(s, ['run', '--skip', 'scrape'], env);
const all = await steps();
const second = all.slice(afterFirst.length);

const rows: (string | number)[][] = [];
for (const [label, list] of [
  [`first run (${fmt(n)} new posts)`, afterFirst],
  ['second run (nothing new)', second],
] as const) {
  for (const r of list) rows.push([label, r.step, Number(r.seconds), Number(r.rows_in ?? 0), Number(r.rows_out ?? 0), r.status]);
}
process.stdout.write(`${table(['run', 'step', 'seconds', 'rows in', 'rows out', 'status'], rows)}\n\n`);
const firstEnrich = afterFirst.find((r) => r.step === 'enrich');
process.stdout.write(
  `summary: pulse run on ${fmt(n)} posts took ${fmt(first.seconds)} s (peak ${fmt(first.peakMb)} MB; enrich ${fmt(Number(firstEnrich?.seconds ?? NaN))} s with tiny models); ` +
    `the same run with nothing new took ${fmt(again.seconds)} s (×${fmt(first.seconds / again.seconds)} less)\n`,
);
// The idle run alone, beside its baselines, interleaved so that a busy moment of a shared
// machine falls on all of them alike.
const repeats = Math.max(1, Number(values.idle) || 7);
const times: Record<'node' | 'compiled' | 'tsx', number[]> = { node: [], compiled: [], tsx: [] };
const peaks: Record<'node' | 'compiled' | 'tsx', number[]> = { node: [], compiled: [], tsx: [] };
for (let i = 0; i < repeats; i++) {
  for (const [key, run] of [
    ['node', () => measure(process.execPath, ['-e', ''], env)],
    ['compiled', () => pulse(s, ['run', '--skip', 'scrape'], env)],
    ['tsx', () => pulse(s, ['run', '--skip', 'scrape'], { ...env, PULSE_FROM_SOURCE: '1' })],
  ] as const) {
    const m = await run();
    times[key].push(m.seconds);
    peaks[key].push(m.peakMb);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.node);
process.stdout.write(
  `\nidle run (nothing new, --skip scrape), ${repeats} times each, interleaved; median wall time:\n${table(
    ['command', 'seconds (median)', 'min', 'max', 'peak MB', '× node -e \'\''],
    [
      ["node -e ''", base, Math.min(...times.node), Math.max(...times.node), median(peaks.node), 1],
      ['pulse run (compiled build, default)', median(times.compiled), Math.min(...times.compiled), Math.max(...times.compiled), median(peaks.compiled), median(times.compiled) / base],
      ['pulse run (PULSE_FROM_SOURCE=1: tsx, as before)', median(times.tsx), Math.min(...times.tsx), Math.max(...times.tsx), median(peaks.tsx), median(times.tsx) / base],
    ],
  )}\n`,
);
process.stdout.write(
  `summary: an idle pulse run took ${fmt(median(times.compiled))} s, ×${fmt(median(times.compiled) / base)} a bare node -e '' (${fmt(base)} s) and ` +
    `${fmt(median(times.tsx) / median(times.compiled))} times less than the same run through tsx (${fmt(median(times.tsx))} s)\n`,
);
await s.cleanup();
