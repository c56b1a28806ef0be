/**
 * A small, valid BERT-style WordPiece tokenizer (lowercasing, punctuation split, `##`
 * continuation pieces) shared by every tiny model, written as the `tokenizer.json` and
 * `tokenizer_config.json` that transformers.js reads for real BERT models.
 */

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const PUNCTUATION = ['.', ',', '!', '?', '/', '@', ':', ';', '-', "'", '"', '#', '(', ')', '&', '+', '=', '*', '%', '$'];

/** Words every tiny model knows without giving them any meaning. */
const FILLER = [
  'this', 'post', 'is', 'about', 'the', 'a', 'an', 'and', 'or', 'but', 'to', 'of', 'in', 'on', 'at', 'for',
  'with', 'from', 'by', 'my', 'our', 'we', 'i', 'you', 'it', 'its', 'that', 'so', 'very', 'just', 'new',
  'using', 'use', 'user', 'http', 'data', 'pipeline', 'pipelines', 'team', 'today', 'moved', 'works',
  'processing', 'engineering', 'engineer', 'code', 'run', 'runs', 'week', 'really', 'not', 'be', 'are',
];

export interface TokenizerFiles {
  vocab: Map<string, number>;
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
}

/** Build the vocabulary from special tokens, punctuation, filler and the given words (in order, deduplicated). */
export function buildTokenizer(words: Iterable<string>, modelMaxLength: number): TokenizerFiles {
  const vocab = new Map<string, number>();
  for (const t of [...SPECIAL_TOKENS, ...PUNCTUATION, ...FILLER, ...words]) {
    if (!vocab.has(t)) vocab.set(t, vocab.size);
  }
  const id = (t: string) => {
    const v = vocab.get(t);
    if (v === undefined) throw new Error(`tiny tokenizer: ${t} is not in the vocabulary`);
    return v;
  };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: modelMaxLength,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
  return { vocab, tokenizerJson, tokenizerConfig };
}
