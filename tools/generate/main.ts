/**
 * Synthetic posts for benchmarks and scale tests, written into a local lake's raw zone in
 * each network's API shape (seeded: the same arguments give the same bytes).
 *
 *   npx tsx tools/generate/main.ts --lake /tmp/bench-lake --posts 1m [--seed 1]
 *       [--sources mastodon,hackernews] [--days 30] [--end 2026-11-24T00:00:00Z] [--run-id ID]
 *
 * Then `pulse write` (with `lake:` pointing there) normalizes and merges them like fetched pages.
 */
import { parseArgs } from 'node:util';
import { parseCount } from './count.ts';
import { generate } from './generate.ts';
import { SHAPES } from './shapes.ts';

const { values } = parseArgs({
  options: {
    lake: { type: 'string' },
    posts: { type: 'string', default: '100k' },
    seed: { type: 'string', default: '1' },
    sources: { type: 'string', default: Object.keys(SHAPES).join(',') },
    days: { type: 'string', default: '30' },
    end: { type: 'string' },
    'run-id': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help || !values.lake) {
  process.stdout.write(
    'usage: tools/generate/main.ts --lake DIR [--posts N] [--seed N] [--sources a,b] [--days N] [--end ISO] [--run-id ID]\n' +
      '  --posts N   how many posts: 25000, 25_000, 100k, 1m or 2.5m (default 100k)\n' +
      `  --sources   comma-separated, of ${Object.keys(SHAPES).join(', ')} (default all)\n` +
      '  --days N    spread over this many days before --end (default 30; fractions allowed)\n',
  );
  process.exit(values.help ? 0 : 2);
}


const positive = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} expects a positive number, got "${v}"`);
  return n;
};

const end = values.end ? new Date(values.end) : new Date();
if (Number.isNaN(end.getTime())) throw new Error(`--end expects an ISO date, got "${values.end}"`);
const runId = values['run-id'] ?? `${end.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}-gen${values.seed}`;
const stats = await generate({
  lake: values.lake,
  posts: parseCount(values.posts, 'posts'),
  seed: parseCount(values.seed, 'seed'),
  sources: values.sources.split(',').map((s) => s.trim()).filter(Boolean),
  days: positive('days', values.days),
  end,
  runId,
});
const mb = (stats.bytes / 1e6).toFixed(1);
process.stdout.write(
  `generated ${stats.posts} posts (${stats.items} items with ${stats.repeats} repeats, ${stats.crossPosts} cross-posts) ` +
    `in ${stats.pages} raw pages, ${mb} MB gzip, in ${stats.seconds.toFixed(1)} s ` +
    `(${Math.round(stats.posts / stats.seconds)} posts/s); by source: ${JSON.stringify(stats.bySource)}; run id ${runId}\n`,
);
