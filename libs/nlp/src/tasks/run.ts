import type { Tensor } from '@huggingface/transformers';
import { batchIndices, toTensors, type Encoded } from '../batching.ts';
import type { LoadedModel } from '../models.ts';

export interface BatchOptions {
  batchSize: number;
  /** Sort by token length before batching (default true; false only to measure what it saves). */
  sorted: boolean;
}

/**
 * Run `encoded` sequences through the model in length-sorted batches; `onBatch` gets the
 * logits with, for each row, the index of its sequence in `encoded`.
 */
export async function runBatches(
  loaded: LoadedModel,
  encoded: readonly Encoded[],
  opts: BatchOptions,
  onBatch: (logits: Tensor, rows: number[]) => void,
): Promise<void> {
  const padId = loaded.tokenizer.pad_token_id ?? 0;
  for (const rows of batchIndices(encoded.map((e) => e.ids.length), opts.batchSize, opts.sorted)) {
    const { logits } = await loaded.model(toTensors(rows.map((r) => encoded[r]!), padId));
    onBatch(logits, rows);
  }
}

/** Label names by id from a model config, with a clear error when there are none. */
export function labelsOf(loaded: LoadedModel): string[] {
  const id2label = loaded.model.config.id2label;
  if (!id2label || !Object.keys(id2label).length) {
    throw new Error(`model ${loaded.spec.id} has no id2label in its config.json`);
  }
  const ids = Object.keys(id2label)
    .map(Number)
    .sort((a, b) => a - b);
  return ids.map((i) => id2label[i]!);
}
