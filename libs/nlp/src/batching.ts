import type { Tensor } from '@huggingface/transformers';
import type { NlpTokenizer } from './models.ts';
import { transformers } from './transformers.ts';

/**
 * Batched inference helpers. Texts are tokenized once without padding, sorted by token
 * length, and cut into batches that are padded only to their own longest member: a batch of
 * 20-token posts is not padded to the length of one 128-token post. Outputs go back to the
 * caller's order through the indices.
 */

export interface Encoded {
  ids: number[];
  typeIds?: number[];
}

type Tokens = { ids: number[]; types: number[] };

/**
 * Where a tokenizer puts its special tokens around one sequence (`[CLS] A [SEP]`, `<s> A </s>`)
 * or a pair (`[CLS] A [SEP] B [SEP]`, `<s> A </s></s> B </s>`), with the token type of each
 * part: learned from the tokenizer's own output for a probe, so it holds for any model.
 */
export interface SpecialTemplate {
  /** Before A, between A and B (pairs), after the last sequence. */
  parts: [Tokens, Tokens, Tokens];
  /** Token type of A's and B's tokens. */
  typeA: number;
  typeB: number;
  /** Whether the tokenizer gives token type ids (BERT does, RoBERTa does not). */
  withTypes: boolean;
}

const templates = new WeakMap<NlpTokenizer, { single?: SpecialTemplate | null; pair?: SpecialTemplate | null }>();

/** Token ids of each text, without special tokens (see `withSpecials`). */
export const bareIds = (tokenizer: NlpTokenizer, texts: string[]): number[][] =>
  texts.length ? tokenizer(texts, { padding: false, truncation: false, add_special_tokens: false, return_tensor: false }).input_ids : [];

/** The tokenizer's own encoding, special tokens included, uncut; `withTypes` when it gives token type ids (BERT does, RoBERTa does not). */
function fullTokens(tokenizer: NlpTokenizer, texts: string[], pairs?: string[]): { rows: Tokens[]; withTypes: boolean } {
  const out = tokenizer(texts, {
    ...(pairs ? { text_pair: pairs } : {}),
    padding: false,
    truncation: false,
    return_tensor: false,
    return_token_type_ids: true,
  });
  return { rows: out.input_ids.map((ids, i) => ({ ids, types: out.token_type_ids?.[i] ?? ids.map(() => 0) })), withTypes: Boolean(out.token_type_ids) };
}

const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function indexOfRun(ids: readonly number[], run: readonly number[], from: number): number {
  for (let o = from; o + run.length <= ids.length; o++) if (sameIds(ids.slice(o, o + run.length), run)) return o;
  return -1;
}

/**
 * The special-token template of `tokenizer` for single texts or pairs, or null when its output
 * is not "specials, A, specials[, B, specials]" (then the caller keeps the tokenizer's own
 * encoding). Checked on a second, longer sample before it is trusted.
 */
export function specialTemplate(tokenizer: NlpTokenizer, pair: boolean): SpecialTemplate | null {
  const cached = templates.get(tokenizer) ?? {};
  templates.set(tokenizer, cached);
  const key = pair ? 'pair' : 'single';
  if (cached[key] !== undefined) return cached[key];
  const learn = (): SpecialTemplate | null => {
    const [a, b] = bareIds(tokenizer, ['a', 'b']) as [number[], number[]];
    const probe = fullTokens(tokenizer, ['a'], pair ? ['b'] : undefined);
    const full = probe.rows[0]!;
    const oA = indexOfRun(full.ids, a, 0);
    const oB = pair ? indexOfRun(full.ids, b, oA + a.length) : full.ids.length;
    if (!a.length || !b.length || oA < 0 || oB < 0) return null;
    const cut = (from: number, to: number): Tokens => ({ ids: full.ids.slice(from, to), types: full.types.slice(from, to) });
    const t: SpecialTemplate = {
      parts: pair ? [cut(0, oA), cut(oA + a.length, oB), cut(oB + b.length, full.ids.length)] : [cut(0, oA), cut(oA, oA), cut(oA + a.length, full.ids.length)],
      typeA: full.types[oA] ?? 0,
      typeB: pair ? (full.types[oB] ?? 0) : 0,
      withTypes: probe.withTypes,
    };
    const sample = ['Streaming data, 42 times: fast!', 'This is about data.'];
    const [sa, sb] = bareIds(tokenizer, sample) as [number[], number[]];
    const expected = fullTokens(tokenizer, [sample[0]!], pair ? [sample[1]!] : undefined).rows[0]!;
    const got = withSpecials(t, sa, pair ? sb : null, Infinity);
    return sameIds(got.ids, expected.ids) && (!t.withTypes || sameIds(got.typeIds!, expected.types)) ? t : null;
  };
  cached[key] = learn();
  return cached[key];
}

/**
 * A or (A, B) as bare token ids, with the special tokens put back, cut to `maxLength` the way
 * Python transformers does: the text is cut, never the special tokens; of a pair only A (the
 * premise) is cut, B (the hypothesis) only if it cannot fit whole.
 */
export function withSpecials(t: SpecialTemplate, a: readonly number[], b: readonly number[] | null, maxLength: number): Encoded {
  const [pre, mid, post] = t.parts;
  const specials = pre.ids.length + post.ids.length + (b ? mid.ids.length : 0);
  const room = Math.max(0, maxLength - specials);
  const second = b ? b.slice(0, room) : [];
  const first = a.slice(0, Math.max(0, room - second.length));
  const ids = [...pre.ids, ...first, ...(b ? [...mid.ids, ...second] : []), ...post.ids];
  if (!t.withTypes) return { ids };
  const typeIds = [...pre.types, ...first.map(() => t.typeA), ...(b ? [...mid.types, ...second.map(() => t.typeB)] : []), ...post.types];
  return { ids, typeIds };
}

/**
 * Tokenize texts, or text pairs, to at most `maxLength` tokens. transformers.js truncates
 * after adding the special tokens, which drops the final [SEP] or </s> of a long text (and the
 * end of a pair's hypothesis); here a text that is too long is cut before they are added.
 */
export function encode(tokenizer: NlpTokenizer, texts: string[], maxLength: number, pairs?: string[]): Encoded[] {
  if (!texts.length) return [];
  const { rows, withTypes } = fullTokens(tokenizer, texts, pairs);
  const long = rows.flatMap((e, i) => (e.ids.length > maxLength ? [i] : []));
  const template = long.length ? specialTemplate(tokenizer, Boolean(pairs)) : null;
  const cut = new Map<number, Encoded>();
  if (template) {
    const a = bareIds(tokenizer, long.map((i) => texts[i]!));
    const b = pairs ? bareIds(tokenizer, long.map((i) => pairs[i]!)) : null;
    long.forEach((i, k) => cut.set(i, withSpecials(template, a[k]!, b ? b[k]! : null, maxLength)));
  }
  return rows.map((e, i) => {
    // Without a template (an unusual post-processor), the tokenizer's own cut it is.
    const enc = cut.get(i) ?? { ids: e.ids.slice(0, maxLength), typeIds: e.types.slice(0, maxLength) };
    return withTypes ? enc : { ids: enc.ids };
  });
}

/** Indices of `lengths` cut into batches of `size`, longest first when `sorted` (else in input order). */
export function batchIndices(lengths: readonly number[], size: number, sorted = true): number[][] {
  const order = lengths.map((_, i) => i);
  // Longest first: the largest batch runs first, so a memory problem shows at once, and the ETA is pessimistic, not optimistic.
  if (sorted) order.sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += size) batches.push(order.slice(i, i + size));
  return batches;
}

/** Right-pad a batch into the input tensors of a transformers.js model. */
export function toTensors(batch: readonly Encoded[], padId: number): Record<string, Tensor> {
  const { Tensor } = transformers();
  const width = Math.max(...batch.map((e) => e.ids.length));
  const n = batch.length * width;
  const ids = new BigInt64Array(n).fill(BigInt(padId));
  const mask = new BigInt64Array(n);
  const withTypes = batch.every((e) => e.typeIds);
  const types = withTypes ? new BigInt64Array(n) : null;
  batch.forEach((e, row) => {
    const o = row * width;
    e.ids.forEach((id, j) => {
      ids[o + j] = BigInt(id);
      mask[o + j] = 1n;
      if (types) types[o + j] = BigInt(e.typeIds![j]!);
    });
  });
  const dims = [batch.length, width];
  const tensors: Record<string, Tensor> = {
    input_ids: new Tensor('int64', ids, dims),
    attention_mask: new Tensor('int64', mask, dims),
  };
  if (types) tensors.token_type_ids = new Tensor('int64', types, dims);
  return tensors;
}

/** Row `row` of a [batch, labels] logits tensor. */
export function logitsRow(logits: Tensor, row: number): Float32Array {
  const labels = logits.dims[logits.dims.length - 1]!;
  const data = logits.data as Float32Array;
  return data.subarray(row * labels, (row + 1) * labels);
}

export function softmax(x: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
  const exps = Array.from(x, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}
