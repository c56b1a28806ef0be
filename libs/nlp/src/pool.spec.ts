import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEnricher } from './enricher.ts';
import { createEnricherPool, workerCount } from './pool.ts';
import { withTinyModels } from './testing/index.ts';

const POSTS = [
  { post_id: 'a', created_at: '2026-11-24T10:00:00.000Z', text: 'Streaming Kafka into Snowflake is great @alice https://e.com/1' },
  { post_id: 'b', created_at: '2026-11-24T10:00:00.000Z', text: 'Streaming Kafka into Snowflake is great @bob https://e.com/2' },
  { post_id: 'c', created_at: '2026-11-24T10:00:00.000Z', text: 'The Airflow scheduler outage was terrible' },
  { post_id: 'd', created_at: '2026-11-24T10:00:00.000Z', text: 'Joe Reis on data modeling and careers in Berlin' },
  { post_id: 'e', created_at: '2026-11-24T10:00:00.000Z', text: 'dbt tests for data quality, nightly batch jobs' },
];

// Worker threads start slowly on a busy machine (each loads tsx and its models): generous bounds.
describe('enricher pool (worker threads)', { timeout: 180_000 }, () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('closes by letting each worker release its ONNX sessions and exit, never by terminating it', async () => {
    // Terminating a worker that still holds ONNX Runtime sessions (or is creating one) frees
    // them while its Node environment is torn down: a native abort ("terminate called after
    // throwing an instance of 'Napi::Error'") that kills the whole process.
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const tiny = await withTinyModels();
    const pool = await createEnricherPool(tiny.config({ workers: 2 }), { env: {} });
    await pool.enrich(POSTS.slice(0, 2));
    await pool.close();
    expect(terminate).not.toHaveBeenCalled();
    await pool.close(); // twice is harmless

    // Workers that cannot start: the first failure answers while the other may still be
    // loading its models; both are closed the same way.
    await expect(
      createEnricherPool(tiny.config({ workers: 2, topics: { model: tiny.ids.sentiment } }), { env: {} }),
    ).rejects.toThrow(/is not an NLI model/);
    expect(terminate).not.toHaveBeenCalled();
  });

  it('labels like one enricher, each distinct text once, spread over the workers', async () => {
    const tiny = await withTinyModels();
    const config = tiny.config({ workers: 2, threads: 2 });
    const single = await createEnricher(config, { env: {} });
    const expected = await single.enrich(POSTS);
    await single.close();

    const pool = await createEnricherPool(config, { env: {} });
    try {
      expect(pool.models).toEqual(single.models);
      const progress: number[] = [];
      const rows = await pool.enrich(POSTS, (p) => progress.push(p.done));
      const strip = (r: { enriched_at: string }) => ({ ...r, enriched_at: '' });
      expect(rows.map(strip)).toEqual(expected.map(strip));
      expect(new Set(rows.map((r) => r.enriched_at)).size).toBe(1);
      expect(pool.stats()).toMatchObject({ textsComputed: 4, postsLabelled: 5 });
      expect(progress.at(-1)).toBe(5);
      // A later call answers known texts from the pool's cache.
      const again = await pool.enrich([{ post_id: 'f', created_at: '2026-11-24T10:00:00.000Z', text: 'The Airflow scheduler outage was terrible' }]);
      expect(again[0]!.sentiment).toBe('negative');
      expect(pool.stats()).toMatchObject({ textsComputed: 4, cacheHits: 1 });
    } finally {
      await pool.close();
    }
  });

  it('is a plain enricher with one worker, and reports a worker that cannot load its models', async () => {
    const tiny = await withTinyModels();
    expect(workerCount(3)).toBe(3);
    expect(workerCount(0)).toBeGreaterThanOrEqual(1);
    const one = await createEnricherPool(tiny.config({ workers: 1 }), { env: {} });
    expect(one.device).toBe('cpu');
    await one.close();
    await expect(createEnricherPool(tiny.config({ workers: 2, modelsDir: `${tiny.dir}/absent` }), { env: {} })).rejects.toThrow(/is not in .*absent.*missing config\.json/);
  });
});
