import type { NlpConfig } from '@social-pulse/config';
import type { EntityType, PostNlp } from '@social-pulse/schema';
import { argmax, encode, softmax } from '../batching.ts';
import { buildDictionary, type DictionaryMatcher, type Span } from '../dictionary-match.ts';
import { alignEntities, groupTokens, mergeEntities, pieceScheme, type TokenPrediction } from '../entity-spans.ts';
import { bareEntityLabel, entityLabelMapped, entityTypeOf } from '../labels.ts';
import { DEFAULT_MODELS, quietLogger, type LoadedModel, type NlpLogger } from '../models.ts';
import { labelsOf, runBatches, type BatchOptions } from './run.ts';
import { defineTask } from './task.ts';

type Entity = PostNlp['entities'][number];
type EntitiesConfig = NlpConfig['entities'];

export interface EntitiesRunner {
  readonly dictionary: DictionaryMatcher;
  run(texts: string[], opts: BatchOptions): Promise<Entity[][]>;
}

/** The dictionary of a configuration: built-in entries (unless turned off) plus the user's. */
export function dictionaryOf(cfg: EntitiesConfig): DictionaryMatcher {
  return buildDictionary(cfg.dictionary, { builtin: cfg.builtinDictionary });
}

/**
 * Entities from a token-classification model, mapped onto tweet-ner7 types and grouped
 * into spans, merged with dictionary matches over the whole (character-capped) text — the
 * dictionary also sees what lies beyond the model's token limit.
 */
export function modelEntities(loaded: LoadedModel, cfg: EntitiesConfig, maxTokens: number, log: NlpLogger = quietLogger): EntitiesRunner {
  const labels = labelsOf(loaded);
  const dictionary = dictionaryOf(cfg);
  const vocab = loaded.tokenizer.get_vocab();
  const entries: [string, number][] = vocab instanceof Map ? [...vocab] : Object.entries(vocab);
  const tokenOf: string[] = [];
  for (const [token, id] of entries) tokenOf[id] = token;
  const scheme = pieceScheme(tokenOf);
  const special = new Set(loaded.tokenizer.all_special_ids);
  const typeCache = new Map<string, EntityType | null>();
  const unmapped = new Set<string>();
  const typeOf = (tag: string) => {
    if (!typeCache.has(tag)) {
      typeCache.set(tag, entityTypeOf(tag, cfg.labelMap));
      const bare = bareEntityLabel(tag);
      // Said once per label, when the model first uses it: its tokens would vanish without a word.
      if (!entityLabelMapped(tag, cfg.labelMap) && !unmapped.has(bare.toLowerCase())) {
        unmapped.add(bare.toLowerCase());
        log.warn(
          `nlp: entities: ${loaded.spec.id} tags ${bare}, which maps to no entity type: those tokens are dropped. ` +
            `Map it with nlp.entities.labelMap (e.g. { ${bare}: corporation }), or to null to drop it quietly`,
        );
      }
    }
    return typeCache.get(tag)!;
  };
  const limit = Math.min(maxTokens, loaded.maxLength);

  return {
    dictionary,
    async run(texts, opts) {
      if (!texts.length) return [];
      const encoded = encode(loaded.tokenizer, texts, limit);
      const predictions: TokenPrediction[][] = new Array(texts.length);
      await runBatches(loaded, encoded, opts, (logits, rows) => {
        const [, width, nLabels] = logits.dims as [number, number, number];
        const data = logits.data as Float32Array;
        rows.forEach((t, r) => {
          const ids = encoded[t]!.ids;
          const tokens: TokenPrediction[] = [];
          for (let j = 0; j < ids.length; j++) {
            const id = ids[j]!;
            if (special.has(id)) continue;
            const row = data.subarray((r * width + j) * nLabels, (r * width + j + 1) * nLabels);
            const best = argmax(row);
            tokens.push({ id, token: tokenOf[id] ?? '', label: labels[best] ?? 'O', score: softmax(row)[best]! });
          }
          predictions[t] = tokens;
        });
      });
      return texts.map((text, t) => {
        const groups = groupTokens(predictions[t]!, scheme, typeOf).filter((g) => g.score >= cfg.minScore);
        const decoded = groups.map((g) => loaded.tokenizer.decode(g.ids, { skip_special_tokens: true }));
        const aligned = alignEntities(text, decoded);
        const spans: Span[] = groups.map((g, i) => ({ type: g.type, score: g.score, ...aligned[i]! }));
        return mergeEntities(spans, dictionary.match(text), dictionary);
      });
    },
  };
}

/** Named entities (tweet-ner7 types): a token-classification model merged with the dictionary. */
export const entitiesTask = defineTask({
  name: 'entities',
  config: (nlp) => nlp.entities,
  pipeline: 'token-classification',
  defaultModel: () => DEFAULT_MODELS.entities,
  settings: ({ entities: e }) => ({ minScore: e.minScore, labelMap: e.labelMap, dictionary: dictionaryOf(e).entries }),
  prepare: (loaded, nlp, log) => modelEntities(loaded, nlp.entities, nlp.maxTokens, log),
  columns: ['entities'],
  toColumns: (entities: Entity[] | undefined) => ({ entities: entities ?? [] }),
  describe: (entities) => entities.map((e) => `${e.text} (${e.type})`).join(', ') || '(no entity)',
  testModel: 'ner',
});
