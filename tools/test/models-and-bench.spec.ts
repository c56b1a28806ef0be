import { access, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nlpSchema } from '@social-pulse/config';
import { createEnricher, DEFAULT_MODELS, verifyModels } from '@social-pulse/nlp';
import { tinyNlpConfig, withTinyModels } from '@social-pulse/nlp/testing';
import { describe, expect, it } from 'vitest';
import { corpus, meanWords } from '../bench/enrich/corpus.ts';
import { formatTable, measure } from '../bench/enrich/measure.ts';
import { buildSyntheticModel } from '../bench/enrich/synthetic-model.ts';
import { buildTinyModelsCli } from '../models/build-tiny-models.ts';

const tmp = (prefix: string) => mkdtemp(path.join(os.tmpdir(), prefix));
const T = '2026-11-24T10:00:00.000Z';

describe('tools/models/build-tiny-models', () => {
  it('writes loadable model folders where --out says', async () => {
    const cwd = await tmp('pulse-tools-');
    const r = await buildTinyModelsCli(['--out', 'models'], cwd);
    expect(r.help).toBe(false);
    if (r.help) return;
    expect(r.dir).toBe(path.join(cwd, 'models'));
    for (const id of r.ids) await access(path.join(r.dir, id, 'onnx', 'model_quantized.onnx'));
    const verified = await verifyModels(tinyNlpConfig(r.dir), { env: {} });
    expect(verified.every((v) => v.ok)).toBe(true);
  });

  it('--as-defaults also writes them under the default ids, so a configuration without nlp: runs on them', async () => {
    const cwd = await tmp('pulse-tools-');
    const r = await buildTinyModelsCli(['--out', 'models', '--as-defaults'], cwd);
    if (r.help) throw new Error('unexpected help');
    expect(r.ids).toEqual(expect.arrayContaining([DEFAULT_MODELS.topicsZeroShot, DEFAULT_MODELS.entities, DEFAULT_MODELS.sentiment]));
    const verified = await verifyModels(nlpSchema.parse({ modelsDir: r.dir, threads: 1 }), { env: {} });
    expect(verified.map((v) => [v.id, v.ok])).toEqual([
      [DEFAULT_MODELS.topicsZeroShot, true],
      [DEFAULT_MODELS.entities, true],
      [DEFAULT_MODELS.sentiment, true],
    ]);
  });

  it('rejects unknown arguments and answers --help', async () => {
    await expect(buildTinyModelsCli(['--bogus'])).rejects.toThrow(/unknown argument --bogus/);
    expect(await buildTinyModelsCli(['--help'])).toEqual({ help: true });
  });
});

describe('tools/bench/enrich', () => {
  it('generates the same distinct, mostly short posts every time', () => {
    const a = corpus(300);
    expect(corpus(300)).toEqual(a);
    expect(new Set(a.map((p) => p.text)).size).toBe(300);
    expect(meanWords(a)).toBeGreaterThan(15);
    expect(meanWords(a)).toBeLessThan(80);
  });

  it('measures a scenario and prints an aligned table', async () => {
    const tiny = await withTinyModels();
    const s = { name: 'batch 8', config: tiny.config({ batchSize: 8 }), threads: 1 };
    const m = await measure(s, corpus(24), corpus(2, 3), 1);
    expect(m.posts).toBe(24);
    expect(m.postsPerSecond).toBeGreaterThan(0);
    expect(m.perCore).toBe(m.postsPerSecond);
    const table = formatTable([m], m).split('\n');
    expect(table[0]).toMatch(/^scenario\s+batch\s+sorted\s+dtype\s+threads\s+posts\s+seconds\s+posts\/s\s+posts\/s\/core\s+speed-up$/);
    expect(table[2]).toMatch(/^batch 8\s+8\s+yes\s+q8\s+1\s+24 .* 1\.0×$/);
  });

  it('builds a synthetic encoder whose fp32 and dynamically quantized files both run', async () => {
    const dir = await tmp('pulse-synthetic-');
    const id = await buildSyntheticModel(dir, ['kafka', 'dbt'], { hidden: 16, ffn: 32, layers: 2 });
    for (const dtype of ['fp32', 'q8'] as const) {
      const config = tinyNlpConfig(dir, { dtype, topics: { enabled: false }, entities: { enabled: false }, sentiment: { model: id } });
      const e = await createEnricher(config, { env: {} });
      const rows = await e.enrich([{ post_id: '1', created_at: T, text: 'kafka and dbt' }, { post_id: '2', created_at: T, text: 'dbt' }]);
      await e.close();
      for (const r of rows) expect(['negative', 'neutral', 'positive']).toContain(r.sentiment);
    }
  });
});
