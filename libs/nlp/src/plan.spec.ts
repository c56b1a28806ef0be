import { nlpSchema } from '@social-pulse/config';
import { describe, expect, it } from 'vitest';
import { labelIndex, modelVersions, planEnrichment, recordLabels, textHash } from './plan.ts';
import { prepareText } from './prepare.ts';

const config = nlpSchema.parse({});

describe('model versions', () => {
  it('name each enabled task model with revision, dtype and a settings hash', () => {
    const v = modelVersions(config);
    expect(v.map((m) => m.task)).toEqual(['topics', 'entities', 'sentiment']);
    expect(v[0]!.model).toMatch(/^Xenova\/distilbert-base-uncased-mnli@main q8 #[0-9a-f]{8}$/);
    expect(modelVersions(nlpSchema.parse({ entities: { enabled: false } })).map((m) => m.task)).toEqual(['topics', 'sentiment']);
  });

  it('change with a model, revision, dtype or a setting that changes labels', () => {
    const base = JSON.stringify(modelVersions(config));
    for (const changed of [
      { sentiment: { model: 'org/other-sentiment' } },
      { entities: { revision: 'v2' } },
      { dtype: 'fp32' },
      { topics: { labels: ['streaming'] } },
      { topics: { threshold: 0.7 } },
      { entities: { dictionary: [{ name: 'SQLMesh', type: 'corporation' }] } },
      { maxTokens: 256 },
    ]) {
      expect(JSON.stringify(modelVersions(nlpSchema.parse(changed))), JSON.stringify(changed)).not.toBe(base);
    }
    // Settings that do not change labels do not relabel.
    expect(JSON.stringify(modelVersions(nlpSchema.parse({ batchSize: 64, threads: 2, device: 'auto' })))).toBe(base);
  });
});

describe('text hash', () => {
  it('is a sha256 of the prepared text and the model versions', () => {
    const models = modelVersions(config);
    const h = textHash('dbt is great', models);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(textHash('dbt is great', models)).toBe(h);
    expect(textHash('dbt is great!', models)).not.toBe(h);
    expect(textHash('dbt is great', [{ task: 'topics', model: 'x@main q8 #0' }])).not.toBe(h);
  });
});

describe('planEnrichment', () => {
  const models = modelVersions(config);
  const hashOf = (text: string) => textHash(prepareText(text), models);
  const posts = [
    { post_id: 'x:1', text: 'Kafka is great' },
    { post_id: 'x:2', text: 'dbt is slow' },
    { post_id: 'bsky:3', text: 'Kafka   is great' }, // the same prepared text as x:1
    { post_id: 'x:4', text: 'a new post' },
    { post_id: 'x:5', text: 'edited text' },
  ];

  it('returns only posts whose text or models are not labelled yet', () => {
    const existing = [
      { post_id: 'x:1', text_hash: hashOf('Kafka is great') },
      { post_id: 'x:2', text_hash: hashOf('dbt is slow') },
      { post_id: 'x:5', text_hash: hashOf('the text before the edit') },
    ];
    const plan = planEnrichment(posts, existing, config);
    expect(plan.upToDate).toBe(2);
    expect(plan.copies).toEqual([{ post: posts[2], from: 'x:1' }]);
    expect(plan.todo.map((p) => p.post_id)).toEqual(['x:4', 'x:5']);
  });

  it('relabels everything when a model changes', () => {
    const existing = new Map(posts.map((p) => [p.post_id, hashOf(p.text)]));
    expect(planEnrichment(posts, existing, config).upToDate).toBe(5);
    const newModel = nlpSchema.parse({ sentiment: { revision: 'b52b2c0' } });
    const plan = planEnrichment(posts, existing, newModel);
    expect(plan.upToDate).toBe(0);
    expect(plan.todo).toHaveLength(5);
  });

  it('counts a post listed twice once, with its last text', () => {
    const plan = planEnrichment(
      [
        { post_id: 'x:1', text: 'old' },
        { post_id: 'x:1', text: 'Kafka is great' },
      ],
      [{ post_id: 'x:1', text_hash: hashOf('Kafka is great') }],
      config,
    );
    expect(plan).toEqual({ todo: [], copies: [], upToDate: 1 });
  });

  it('plans window after window against one index kept current with the labels written', () => {
    const index = labelIndex([{ post_id: 'x:1', text_hash: hashOf('Kafka is great') }]);
    // Window 1: x:1 is up to date, x:2 is new.
    const first = planEnrichment([posts[0]!, posts[1]!], index, config, models);
    expect([first.upToDate, first.todo.map((p) => p.post_id)]).toEqual([1, ['x:2']]);
    recordLabels(index, [{ post_id: 'x:2', text_hash: hashOf('dbt is slow') }]);
    // Window 2: x:6 has the text x:2 was just labelled for: a copy, not a computation.
    const second = planEnrichment([{ post_id: 'x:6', text: 'dbt is slow' }], index, config, models);
    expect(second.copies).toEqual([{ post: { post_id: 'x:6', text: 'dbt is slow' }, from: 'x:2' }]);
    // x:1 relabelled with another text: it is no source for its old text any more.
    recordLabels(index, [{ post_id: 'x:1', text_hash: hashOf('Kafka is slow') }]);
    const third = planEnrichment([{ post_id: 'x:7', text: 'Kafka is great' }], index, config, models);
    expect([third.copies, third.todo.map((p) => p.post_id)]).toEqual([[], ['x:7']]);
  });
});
