import { nlpSchema } from '@social-pulse/config';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODELS } from './models.ts';
import { modelSpecs, nlpConfigRelativeTo } from './tasks/index.ts';

describe('nlp configuration', () => {
  it('has documented defaults for every task', () => {
    const c = nlpSchema.parse({});
    expect(c).toMatchObject({ enabled: true, device: 'cpu', dtype: 'q8', threads: 0, batchSize: 16, maxTokens: 128 });
    expect(c.topics).toMatchObject({ enabled: true, mode: 'zero-shot', threshold: 0.5, hypothesisTemplate: 'This post is about {}.' });
    expect(c.entities).toMatchObject({ enabled: true, builtinDictionary: true, dictionary: [], minScore: 0.6 });
    expect(modelSpecs(c).map((s) => [s.task, s.id, s.pipeline])).toEqual([
      ['topics', DEFAULT_MODELS.topicsZeroShot, 'text-classification'],
      ['entities', DEFAULT_MODELS.entities, 'token-classification'],
      ['sentiment', DEFAULT_MODELS.sentiment, 'text-classification'],
    ]);
    expect(modelSpecs(nlpSchema.parse({ topics: { mode: 'classifier' } }))[0]!.id).toBe('cardiffnlp/tweet-topic-21-multi');
    expect(modelSpecs(nlpSchema.parse({ enabled: false }))).toEqual([]);
    expect(modelSpecs(nlpSchema.parse({ sentiment: { enabled: false }, topics: { enabled: false } })).map((s) => s.task)).toEqual(['entities']);
  });

  it('reports typos and bad values with their path', () => {
    const issues = (doc: unknown) => {
      const r = nlpSchema.safeParse(doc);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`);
    };
    expect(issues({ topics: { treshold: 0.5 } })).toEqual(['topics: unrecognized_keys']);
    expect(issues({ device: 'gpu' })).toEqual(['device: invalid_value']);
    expect(issues({ entities: { dictionary: [{ name: 'X', type: 'tool' }] } })).toEqual(['entities.dictionary.0.type: invalid_value']);
    expect(issues({ topics: { hypothesisTemplate: 'About it.' } })).toEqual(['topics.hypothesisTemplate: custom']);
    expect(issues({ topics: { labels: [] } })).toEqual(['topics.labels: too_small']);
  });

  it('takes nlp.modelsDir and folder-path model ids from the configuration file\'s folder', () => {
    const c = nlpConfigRelativeTo(nlpSchema.parse({ modelsDir: './models', sentiment: { model: './mine/sentiment' }, entities: { model: 'Xenova/bert-base-NER' } }), '/etc/pulse');
    expect(c.modelsDir).toBe('/etc/pulse/models');
    expect(c.sentiment.model).toBe('/etc/pulse/mine/sentiment');
    expect(c.entities.model).toBe('Xenova/bert-base-NER');
    expect(nlpConfigRelativeTo(nlpSchema.parse({}), '/etc/pulse').modelsDir).toBeUndefined();
  });
});
