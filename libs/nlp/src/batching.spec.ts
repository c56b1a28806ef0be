import { beforeAll, describe, expect, it } from 'vitest';
import { argmax, batchIndices, sigmoid, softmax, toTensors } from './batching.ts';
import { loadTransformers } from './transformers.ts';

describe('batching', () => {
  // Tensors come from transformers.js, which a model load brings in.
  beforeAll(async () => void (await loadTransformers()));

  it('cuts length-sorted batches, longest first, and keeps input order when asked', () => {
    const lengths = [5, 30, 7, 12, 30, 2];
    expect(batchIndices(lengths, 2)).toEqual([[1, 4], [3, 2], [0, 5]]);
    expect(batchIndices(lengths, 4, false)).toEqual([[0, 1, 2, 3], [4, 5]]);
    expect(batchIndices([], 4)).toEqual([]);
  });

  it('pads a batch only to its longest member, with a mask and token types', () => {
    const t = toTensors([{ ids: [2, 10, 3], typeIds: [0, 0, 0] }, { ids: [2, 11, 12, 3, 13], typeIds: [0, 0, 0, 1, 1] }], 0);
    expect(t.input_ids!.dims).toEqual([2, 5]);
    expect(Array.from(t.input_ids!.data as BigInt64Array, Number)).toEqual([2, 10, 3, 0, 0, 2, 11, 12, 3, 13]);
    expect(Array.from(t.attention_mask!.data as BigInt64Array, Number)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(t.token_type_ids!.data as BigInt64Array, Number)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(toTensors([{ ids: [1] }], 1).token_type_ids).toBeUndefined();
  });

  it('computes softmax, sigmoid and argmax', () => {
    const p = softmax([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(argmax(p)).toBe(2);
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
    expect(sigmoid(0)).toBe(0.5);
  });
});
