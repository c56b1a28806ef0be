import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '@social-pulse/schema';
import { DEFAULT_ENTITY_LABEL_MAP, DEFAULT_TOPIC_LABELS, entityTypeOf, prettyTopicLabel, sentimentLabels } from './labels.ts';

describe('labels', () => {
  it('maps CoNLL, OntoNotes and tweet-ner7 labels onto tweet-ner7 types', () => {
    expect(entityTypeOf('B-PER')).toBe('person');
    expect(entityTypeOf('I-ORG')).toBe('corporation');
    expect(entityTypeOf('B-LOC')).toBe('location');
    expect(entityTypeOf('B-MISC')).toBeNull();
    expect(entityTypeOf('B-GPE')).toBe('location');
    expect(entityTypeOf('S-WORK_OF_ART')).toBe('creative_work');
    for (const t of ENTITY_TYPES) expect(entityTypeOf(`B-${t}`)).toBe(t);
    expect(entityTypeOf('B-unknown')).toBeNull();
    for (const v of Object.values(DEFAULT_ENTITY_LABEL_MAP)) if (v) expect(ENTITY_TYPES).toContain(v);
  });

  it('lets the configuration override a mapping', () => {
    expect(entityTypeOf('B-MISC', { MISC: 'product' })).toBe('product');
    expect(entityTypeOf('B-ORG', { org: 'group' })).toBe('group');
    expect(entityTypeOf('B-PER', { PER: null })).toBeNull();
  });

  it('maps sentiment labels by name, and LABEL_n by the cardiffnlp convention', () => {
    expect(sentimentLabels({ 0: 'negative', 1: 'neutral', 2: 'positive' })).toEqual(['negative', 'neutral', 'positive']);
    expect(sentimentLabels({ 0: 'Positive', 1: 'NEGATIVE', 2: 'neu' })).toEqual(['positive', 'negative', 'neutral']);
    expect(sentimentLabels({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' })).toEqual(['negative', 'neutral', 'positive']);
    expect(sentimentLabels({ 1: 'LABEL_1', 0: 'LABEL_0' })).toEqual(['negative', 'positive']);
    expect(() => sentimentLabels({ 0: 'joy', 1: 'anger' })).toThrow(/"joy" \(id 0\) is not negative, neutral or positive/);
  });

  it('has data-engineering topic defaults and readable tweet-topic labels', () => {
    expect(DEFAULT_TOPIC_LABELS).toContain('data quality');
    expect(DEFAULT_TOPIC_LABELS.length).toBeGreaterThanOrEqual(15);
    expect(prettyTopicLabel('science_&_technology')).toBe('science & technology');
  });
});
