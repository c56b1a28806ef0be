import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawKey } from '@social-pulse/schema';
import { body, type Body } from './corpus.ts';
import { Random, Weighted, Zipf } from './random.ts';
import { PAGE_SIZE, SHAPES, SOURCE_WEIGHTS, type Author, type Draft, type Shape } from './shapes.ts';

/** The shapes and weights by any name (`--sources` is free text). */
const shapeOf: Readonly<Record<string, Shape | undefined>> = SHAPES;
const weightOf: Readonly<Record<string, number | undefined>> = SOURCE_WEIGHTS;

export interface GenerateOptions {
  /** Lake root folder (local). */
  lake: string;
  /** Distinct posts to generate. */
  posts: number;
  seed: number;
  sources: string[];
  /** Posts are spread over this many days ending at `end`. */
  days: number;
  end: Date;
  /** Raw file names sort by run id: a later generation must use a later one. */
  runId: string;
  /** Share of Mastodon statuses seen again on a second instance (stored once by the writer). */
  repeatRate?: number;
  /** Share of posts whose text an author cross-posts to another network. */
  crossPostRate?: number;
  /** Authors in the pool (Zipf-distributed activity); default posts / 20. */
  authors?: number;
}

export interface GenerateStats {
  posts: number;
  /** API items written, repeats included. */
  items: number;
  pages: number;
  bytes: number;
  repeats: number;
  crossPosts: number;
  bySource: Record<string, number>;
  seconds: number;
}

/** Pages written at once: enough to keep the disk busy while the CPU shapes the next ones. */
const IN_FLIGHT = 32;

/**
 * Writes `posts` synthetic posts into the raw zone of a local lake, shaped exactly like each
 * network's API pages and wrapped in the raw-zone envelope, so that `pulse write` (or the
 * lake-writer step) normalizes them as if they had been fetched.
 */
export async function generate(o: GenerateOptions): Promise<GenerateStats> {
  const started = process.hrtime.bigint();
  for (const s of o.sources) if (!shapeOf[s]) throw new Error(`no generator for source "${s}" (have: ${Object.keys(SHAPES).join(', ')})`);
  if (!Number.isSafeInteger(o.posts) || o.posts < 0) throw new Error('posts must be a non-negative integer');
  const r = new Random(o.seed);
  const pick = new Weighted(o.sources.map((s) => [s, weightOf[s] ?? 1] as const));
  const nAuthors = Math.max(50, o.authors ?? Math.ceil(o.posts / 20));
  const authorZipf = new Zipf(nAuthors, 1.1);
  const authors = new Map<number, Author>();
  const author = (n: number): Author => {
    let a = authors.get(n);
    if (!a) {
      const ar = new Random(o.seed ^ (n * 2654435761));
      a = { n, name: `Author ${n}`, handle: `user${n}`, followers: Math.round(ar.logNormal(150, 1.6)) };
      authors.set(n, a);
    }
    return a;
  };
  const recent: { author: Author; body: Body }[] = [];
  const fetchedAt = o.end.toISOString();
  const day = fetchedAt.slice(0, 10);
  const span = o.days * 86_400_000;
  const stats: GenerateStats = { posts: 0, items: 0, pages: 0, bytes: 0, repeats: 0, crossPosts: 0, bySource: {}, seconds: 0 };
  // `carry`: repeats wait for the next page, which is another instance's (a status appears
  // once per page in a real timeline).
  const buffers = new Map<string, { items: unknown[]; carry: unknown[]; n: number }>(o.sources.map((s) => [s, { items: [], carry: [], n: 0 }]));
  const pending: Promise<void>[] = [];
  const dirs = new Set<string>();
  let seq = 0;

  const flush = async (shape: Shape) => {
    const buf = buffers.get(shape.source)!;
    if (!buf.items.length) return;
    const meta = {
      source: shape.source,
      query: shape.query,
      queryKey: shape.queryKey?.(buf.n) ?? shape.query,
      url: shape.url(buf.n),
      status: 200,
      fetched_at: fetchedAt,
      run_id: o.runId,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    };
    const gz = gzipSync(`{"meta":${JSON.stringify(meta)},"body":${JSON.stringify(shape.page(buf.items, buf.n))}}`, { level: 1 });
    const file = path.join(o.lake, rawKey(shape.source, day, o.runId, seq++));
    buf.items = buf.carry;
    buf.carry = [];
    buf.n += 1;
    stats.pages += 1;
    stats.bytes += gz.length;
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      dirs.add(dir);
    }
    pending.push(writeFile(file, gz));
    if (pending.length >= IN_FLIGHT) await Promise.all(pending.splice(0));
  };

  const idBase = BigInt(o.seed) * 10_000_000_000n + 1_000_000_000n;
  for (let i = 0; i < o.posts; i++) {
    const source = pick.sample(r);
    const shape = shapeOf[source]!;
    let draft: Draft;
    const id = String(idBase + BigInt(i));
    const createdAt = new Date(o.end.getTime() - 60_000 - Math.floor(r.float() * span));
    if (recent.length && r.chance(o.crossPostRate ?? 0.03)) {
      const from = recent[r.int(recent.length)]!;
      draft = { id, createdAt, author: from.author, body: from.body };
      stats.crossPosts += 1;
    } else {
      draft = { id, createdAt, author: author(authorZipf.sample(r)), body: body(r) };
      if (recent.length < 1000) recent.push(draft);
      else recent[r.int(1000)] = draft;
    }
    const item = shape.item(draft, r);
    const buf = buffers.get(source)!;
    buf.items.push(item);
    stats.posts += 1;
    stats.items += 1;
    stats.bySource[source] = (stats.bySource[source] ?? 0) + 1;
    if (shape.repeat && r.chance(o.repeatRate ?? 0.04)) {
      buf.carry.push(shape.repeat(item, r));
      stats.items += 1;
      stats.repeats += 1;
    }
    if (buf.items.length >= (shape.pageSize ?? PAGE_SIZE)) await flush(shape);
  }
  for (const s of o.sources) {
    await flush(shapeOf[s]!);
    await flush(shapeOf[s]!);
  }
  await Promise.all(pending);
  stats.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return stats;
}
