import type { EntityType, Sentiment } from '@social-pulse/schema';

/**
 * Topics a data engineer follows; the zero-shot model scores each one per post. Short noun
 * phrases work best with an NLI hypothesis ("This post is about data quality.").
 */
export const DEFAULT_TOPIC_LABELS: readonly string[] = [
  'orchestration',
  'streaming',
  'data quality',
  'data warehousing',
  'data lakes',
  'data modeling',
  'ETL/ELT',
  'batch processing',
  'machine learning',
  'AI and LLMs',
  'analytics engineering',
  'cloud cost',
  'careers',
  'tooling',
  'databases',
  'governance',
];

/**
 * Model entity labels (without B-/I- prefixes, compared case-insensitively) → tweet-ner7
 * types. Covers tweet-ner7 itself (1:1), CoNLL-2003 (bert-base-NER) and OntoNotes.
 *
 * CoNLL `ORG` becomes `corporation`: tweet-ner7 splits organisations into corporation and
 * group, and in posts about data tools an ORG is nearly always a company. CoNLL `MISC` is
 * dropped: it lumps nationalities, events and works together, so mapping it to any one type
 * would mislabel most of it (the dictionary finds the products that matter here). Override
 * either with `nlp.entities.labelMap`.
 */
export const DEFAULT_ENTITY_LABEL_MAP: Readonly<Record<string, EntityType | null>> = {
  // tweet-ner7 (tner/roberta-large-tweetner7-all)
  corporation: 'corporation',
  product: 'product',
  person: 'person',
  location: 'location',
  event: 'event',
  group: 'group',
  creative_work: 'creative_work',
  'creative-work': 'creative_work',
  // CoNLL-2003 (dslim/bert-base-NER)
  per: 'person',
  org: 'corporation',
  loc: 'location',
  misc: null,
  // OntoNotes 5
  gpe: 'location',
  fac: 'location',
  norp: 'group',
  work_of_art: 'creative_work',
};

/** A model label without its B-/I-/E-/S-/L- prefix. */
export const bareEntityLabel = (label: string) => label.replace(/^[BIESL]-/i, '');

function lookupEntityLabel(label: string, overrides: Readonly<Record<string, EntityType | null>>): EntityType | null | undefined {
  const bare = bareEntityLabel(label).toLowerCase();
  const lookup = (map: Readonly<Record<string, EntityType | null>>) => {
    for (const [k, v] of Object.entries(map)) if (k.toLowerCase() === bare) return v;
    return undefined;
  };
  const override = lookup(overrides);
  return override !== undefined ? override : lookup(DEFAULT_ENTITY_LABEL_MAP);
}

/** The tweet-ner7 type of a model label such as `B-ORG` or `I-creative_work`, or null to drop it. */
export function entityTypeOf(label: string, overrides: Readonly<Record<string, EntityType | null>> = {}): EntityType | null {
  return lookupEntityLabel(label, overrides) ?? null;
}

/**
 * Whether a label is in the label map (as a type, or as null: dropped on purpose, like
 * CoNLL's MISC). A label that is not is dropped too, but nobody decided it.
 */
export function entityLabelMapped(label: string, overrides: Readonly<Record<string, EntityType | null>> = {}): boolean {
  return lookupEntityLabel(label, overrides) !== undefined;
}

const SENTIMENT_NAMES: Record<string, Sentiment> = {
  negative: 'negative',
  neg: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  positive: 'positive',
  pos: 'positive',
};

/**
 * Map a sentiment model's `id2label` onto negative/neutral/positive. Named labels are taken
 * by name; generic `LABEL_0..2` follow the cardiffnlp convention (0 negative, 1 neutral,
 * 2 positive), and `LABEL_0..1` that of binary models (0 negative, 1 positive).
 */
export function sentimentLabels(id2label: Record<string | number, string>): Sentiment[] {
  const ids = Object.keys(id2label)
    .map(Number)
    .sort((a, b) => a - b);
  const generic = ids.every((i) => /^LABEL_\d+$/i.test(id2label[i] ?? ''));
  if (generic) {
    if (ids.length === 3) return ['negative', 'neutral', 'positive'];
    if (ids.length === 2) return ['negative', 'positive'];
  }
  return ids.map((i) => {
    const name = (id2label[i] ?? '').trim().toLowerCase();
    const s = SENTIMENT_NAMES[name];
    if (!s) {
      throw new Error(
        `sentiment model label "${id2label[i]}" (id ${i}) is not negative, neutral or positive; use a sentiment model such as Xenova/twitter-roberta-base-sentiment-latest`,
      );
    }
    return s;
  });
}

/** `science_&_technology` → `science & technology` (tweet-topic labels read better spaced). */
export function prettyTopicLabel(label: string): string {
  return label.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}
