import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nlpSchema, type NlpConfig } from '@social-pulse/config';
import { columnNames, postNlp } from '@social-pulse/schema';
import { encode } from '../batching.ts';
import { createEnricher, type Enricher } from '../enricher.ts';
import { emptyLabels } from '../labeller.ts';
import { verifyModels } from '../manage.ts';
import { modelVersions, planEnrichment, textHash } from '../plan.ts';
import { prepareText } from '../prepare.ts';
import { createEnricherPool } from '../pool.ts';
import { buildTinyModels, tinyModelOf, TINY_MODEL_IDS, withTinyModels } from '../testing/index.ts';
import { modelSpecs, NLP_TASKS, nlpConfigRelativeTo, TASKS } from './index.ts';
import { defineTask, type TaskSection } from './task.ts';

/**
 * The checklist of CONTRIBUTING.md ("Adding an NLP task"), enforced: every task in TASKS is
 * everywhere it must be, and a task that exists only here (`tokens`: how many tokens the tiny
 * sentiment model's tokenizer makes of a text) shows up in the model specs, the model
 * versions (and so the plan), the labels and the post_nlp row without any other change.
 */

interface TokensSection extends TaskSection {
  /** Counted up to this many tokens (a setting that changes the output). */
  cap: number;
}
const TOKENS_DEFAULT: TokensSection = { enabled: true, revision: 'main', cap: 64 };
const tokensOf = (nlp: NlpConfig) => ((nlp as NlpConfig & { tokens?: TokensSection }).tokens ?? TOKENS_DEFAULT);

const tokensTask = defineTask({
  name: 'tokens',
  config: tokensOf,
  pipeline: 'text-classification',
  defaultModel: () => TINY_MODEL_IDS.sentiment,
  settings: (nlp) => ({ cap: tokensOf(nlp).cap }),
  prepare: (loaded, nlp) => ({
    run: async (texts: string[]) =>
      encode(loaded.tokenizer, texts, loaded.maxLength).map((e) => Math.min(tokensOf(nlp).cap, e.ids.length)),
  }),
  columns: ['token_count'],
  toColumns: (n: number | undefined) => ({ token_count: n ?? null }),
  describe: (n) => `${n} tokens`,
  testModel: 'sentiment',
});
const WITH_TOKENS = [...TASKS, tokensTask];

const T = '2026-11-24T10:00:00.000Z';
const POST = { post_id: 'x:1', created_at: T, text: 'Kafka streaming into Snowflake is great' };

let tiny: Awaited<ReturnType<typeof withTinyModels>>;
const open: Enricher[] = [];
beforeAll(async () => {
  tiny = await withTinyModels();
});
afterAll(async () => {
  await Promise.all(open.map((e) => e.close()));
});

describe('TASKS: every task is everywhere it must be', () => {
  const defaults = nlpSchema.parse({});

  it('has one entry per name, and NLP_TASKS (the enrich state schema) lists them all', () => {
    expect(new Set(TASKS.map((t) => t.name)).size).toBe(TASKS.length);
    expect(NLP_TASKS).toEqual(TASKS.map((t) => t.name));
  });

  it('reads each task section from nlp.<name> of libs/config, enabled by default', () => {
    for (const task of TASKS) {
      expect(Object.keys(nlpSchema.shape), `nlp.${task.name} in libs/config's nlpSchema`).toContain(task.name);
      expect(task.config(defaults)).toBe(defaults[task.name]);
      expect(task.config(defaults).enabled).toBe(true);
    }
  });

  it('fills post_nlp columns that libs/schema declares, each column by one task', () => {
    const all = TASKS.flatMap((t) => t.columns);
    expect(new Set(all).size).toBe(all.length);
    const declared = columnNames(postNlp);
    for (const task of TASKS) {
      for (const c of task.columns) expect(declared, `post_nlp.${c} (task ${task.name})`).toContain(c);
      expect(Object.keys(task.toColumns(undefined))).toEqual(task.columns);
    }
    expect(Object.keys(emptyLabels())).toEqual(all);
  });

  it('has one model per enabled task, a model version each, and a tiny test model', () => {
    expect(modelSpecs(defaults).map((s) => s.task)).toEqual(NLP_TASKS);
    expect(modelVersions(defaults).map((v) => v.task)).toEqual(NLP_TASKS);
    for (const task of TASKS) {
      const off = nlpSchema.parse({ [task.name]: { enabled: false } });
      expect(modelSpecs(off).map((s) => s.task)).toEqual(NLP_TASKS.filter((n) => n !== task.name));
      expect(tiny.config()[task.name].model).toBe(tinyModelOf(task));
    }
  });

  it('writes a tiny model under each task default model id (--as-defaults)', async () => {
    const built = await buildTinyModels(path.join(tiny.dir, 'as-defaults'), { asDefaults: true });
    expect(built.defaults).toEqual(modelSpecs(defaults).map((s) => s.id));
  });

  it('labels every task column of a post_nlp row', async () => {
    const e = await createEnricher(tiny.config(), { env: {} });
    open.push(e);
    const [row] = await e.enrich([POST]);
    expect(Object.keys(row!)).toEqual(columnNames(postNlp).filter((c) => Object.keys(row!).includes(c)));
    for (const c of TASKS.flatMap((t) => t.columns)) expect(Object.keys(row!)).toContain(c);
  });
});

describe('a task that exists only in the tests', () => {
  const config = (section: Partial<TokensSection> = {}) => ({ ...tiny.config(), tokens: { ...TOKENS_DEFAULT, ...section } }) as NlpConfig;

  it('has its model spec, its version, and its settings in the plan', () => {
    expect(modelSpecs(config(), WITH_TOKENS).map((s) => [s.task, s.id])).toEqual([
      ...modelSpecs(config()).map((s) => [s.task, s.id]),
      ['tokens', TINY_MODEL_IDS.sentiment],
    ]);
    expect(modelSpecs(config({ enabled: false }), WITH_TOKENS).map((s) => s.task)).toEqual(NLP_TASKS);
    const versions = modelVersions(config(), WITH_TOKENS);
    expect(versions.map((v) => v.task)).toEqual([...NLP_TASKS, 'tokens']);
    // A changed setting of the task is a new version: every post is labelled again.
    const after = (cap: number) => modelVersions(config({ cap }), WITH_TOKENS);
    expect(after(64)).toEqual(versions);
    expect(after(8).slice(0, -1)).toEqual(versions.slice(0, -1));
    expect(after(8).at(-1)).not.toEqual(versions.at(-1));
    // Labels stored before the task was added are out of date: the post is labelled again.
    const hashWithout = textHash(prepareText(POST.text), modelVersions(config()));
    const stored = new Map([[POST.post_id, hashWithout]]);
    expect(planEnrichment([POST], stored, config(), modelVersions(config())).upToDate).toBe(1);
    expect(planEnrichment([POST], stored, config(), versions).todo).toEqual([POST]);
  });

  it('fills its column in every row, and its empty value when disabled', async () => {
    const e = await createEnricher(config({ cap: 3 }), { env: {}, tasks: WITH_TOKENS });
    open.push(e);
    expect(e.models.map((m) => m.task)).toEqual([...NLP_TASKS, 'tokens']);
    const rows = await e.enrich([POST, { ...POST, post_id: 'x:2' }, { post_id: 'x:3', created_at: T, text: '@alice https://e.com' }]);
    expect(rows.map((r) => (r as unknown as { token_count: number | null }).token_count)).toEqual([3, 3, null]);
    expect(rows[0]!.models).toEqual(e.models);
    expect(rows[0]!.sentiment).not.toBeNull();
    expect(e.stats()).toMatchObject({ textsComputed: 1, postsLabelled: 3 });
    // Planned with its version: a stored row is up to date, another cap relabels it.
    expect(e.plan([POST], new Map([[POST.post_id, rows[0]!.text_hash]])).upToDate).toBe(1);
    const other = await createEnricher(config({ cap: 4 }), { env: {}, tasks: WITH_TOKENS });
    open.push(other);
    expect(other.plan([POST], new Map([[POST.post_id, rows[0]!.text_hash]])).todo).toHaveLength(1);

    const off = await createEnricher(config({ enabled: false }), { env: {}, tasks: WITH_TOKENS });
    open.push(off);
    const [row] = await off.enrich([POST]);
    expect((row as unknown as { token_count: unknown }).token_count).toBeNull();
    expect(row!.models.map((m) => m.task)).toEqual(NLP_TASKS);
  });

  it('is verified by `pulse models verify` and resolved against the config folder', async () => {
    const results = await verifyModels(config(), { env: {}, tasks: WITH_TOKENS });
    expect(results.map((r) => [r.task, r.ok])).toEqual([...NLP_TASKS.map((n) => [n, true]), ['tokens', true]]);
    expect(results.at(-1)!.output).toMatch(/^\d+ tokens$/);
    const relative = nlpConfigRelativeTo(config({ model: './models/tokens' }), '/etc/pulse', WITH_TOKENS);
    expect(tokensOf(relative).model).toBe(path.resolve('/etc/pulse', 'models/tokens'));
  });

  it('is refused by the worker pool, whose workers run TASKS', async () => {
    await expect(createEnricherPool(config(), { env: {}, tasks: WITH_TOKENS, workers: 2 })).rejects.toThrow(/run TASKS only/);
  });
});
