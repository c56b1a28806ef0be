import { describe, expect, it } from 'vitest';
import { buildDictionary } from './dictionary-match.ts';
import { alignEntities, groupTokens, mergeEntities, pieceScheme, type TokenPrediction } from './entity-spans.ts';
import { entityTypeOf } from './labels.ts';

const tok = (token: string, label: string, score = 0.9, id = 0): TokenPrediction => ({ id, token, label, score });
const typeOf = (tag: string) => entityTypeOf(tag);

describe('token grouping', () => {
  it('recognises how a vocabulary marks word pieces', () => {
    expect(pieceScheme(['[CLS]', 'snow', '##flake'])).toBe('wordpiece');
    expect(pieceScheme(['<s>', 'Ġsnow', 'flake', 'Ġthe'])).toBe('bytelevel');
    expect(pieceScheme(['▁snow', 'flake'])).toBe('metaspace');
  });

  it('groups B-/I- tokens, and keeps a word whole whatever its later pieces say', () => {
    const groups = groupTokens(
      [
        tok('ada', 'B-PER', 0.9, 1),
        tok('love', 'I-PER', 0.8, 2),
        tok('##lace', 'O', 0.5, 3), // a piece labelled O stays in its word
        tok('at', 'O'),
        tok('snow', 'B-ORG', 1, 4),
        tok('##flake', 'I-MISC', 0.2, 5), // a piece of another type does not split the word
        tok('london', 'B-LOC', 0.7, 6),
        tok('paris', 'B-LOC', 0.7, 7), // a new B starts a new entity
        tok('german', 'B-MISC', 0.99, 8), // MISC is dropped by default
      ],
      'wordpiece',
      typeOf,
    );
    expect(groups.map((g) => [g.type, g.ids])).toEqual([
      ['person', [1, 2, 3]],
      ['corporation', [4, 5]],
      ['location', [6]],
      ['location', [7]],
    ]);
    expect(groups[0]!.score).toBeCloseTo(0.85);
  });

  it('starts a new entity on an I- of another type, and handles byte-level pieces', () => {
    const groups = groupTokens(
      [tok('ĠDelta', 'B-product', 0.9, 1), tok('ĠLake', 'I-product', 0.9, 2), tok('ĠBerlin', 'I-location', 0.9, 3), tok('er', 'I-location', 0.9, 4), tok(',', 'O', 0.9, 5)],
      'bytelevel',
      typeOf,
    );
    expect(groups.map((g) => [g.type, g.ids])).toEqual([
      ['product', [1, 2]],
      ['location', [3, 4]],
    ]);
  });
});

describe('alignment', () => {
  it('finds decoded entities in the text and returns them as written', () => {
    const text = 'Moved from Snowflake to  Delta   Lake in Zürich, then back to snowflake';
    const spans = alignEntities(text, ['snowflake', 'delta lake', 'zurich', 'snowflake', 'bigquery']);
    expect(spans.map((s) => s.text)).toEqual(['Snowflake', 'Delta   Lake', 'Zürich', 'snowflake', 'bigquery']);
    expect(spans[0]).toMatchObject({ start: 11, end: 20 });
    expect(spans[4]!.start).toBe(-1);
  });
});

describe('merging model entities with the dictionary', () => {
  const dict = buildDictionary();
  const text = 'Franz Kafka would love Kafka at the Databricks Summit in Berlin';
  const dictSpans = dict.match(text);

  it('lets the dictionary win inside its matches, keeps enclosing entities, and dedupes', () => {
    const model = [
      { type: 'person' as const, text: 'Franz Kafka', score: 0.99, start: 0, end: 11 },
      { type: 'person' as const, text: 'Kafka', score: 0.95, start: 23, end: 28 },
      { type: 'event' as const, text: 'Databricks Summit', score: 0.8, start: 36, end: 53 },
      { type: 'location' as const, text: 'Berlin', score: 0.91, start: 57, end: 63 },
      { type: 'location' as const, text: 'berlin', score: 0.97, start: -1, end: -1 },
      { type: 'corporation' as const, text: 'databricks', score: 0.5, start: -1, end: -1 },
    ];
    expect(mergeEntities(model, dictSpans, dict)).toEqual([
      { type: 'person', text: 'Franz Kafka', score: 0.99 },
      { type: 'product', text: 'Kafka', score: 1 },
      { type: 'event', text: 'Databricks Summit', score: 0.8 },
      { type: 'corporation', text: 'Databricks', score: 1 },
      { type: 'location', text: 'Berlin', score: 0.97 },
    ]);
  });
});
