import { Tensor } from '@huggingface/transformers';
import type { NlpTokenizer } from './models.ts';

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

/** Tokenize (and truncate to `maxLength` tokens) texts, or text pairs. */
export function encode(tokenizer: NlpTokenizer, texts: string[], maxLength: number, pairs?: string[]): Encoded[] {
  if (!texts.length) return [];
  const out = tokenizer(texts, {
    ...(pairs ? { text_pair: pairs } : {}),
    padding: false,
    truncation: true,
    max_length: maxLength,
    return_tensor: false,
    return_token_type_ids: true,
  });
  return out.input_ids.map((ids, i) => {
    const typeIds = out.token_type_ids?.[i];
    return typeIds ? { ids, typeIds } : { ids };
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
