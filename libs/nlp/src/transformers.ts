import type * as Transformers from '@huggingface/transformers';

let loaded: typeof Transformers | undefined;

/**
 * transformers.js, and ONNX Runtime under it, loaded with the first model: a process with
 * nothing to label (an idle `pulse run`) never loads them.
 */
export async function loadTransformers(): Promise<typeof Transformers> {
  loaded ??= await import('@huggingface/transformers');
  return loaded;
}

/** The module, for code that runs only once a model is loaded (tensors for its inputs). */
export function transformers(): typeof Transformers {
  if (!loaded) throw new Error('transformers.js is not loaded yet: load a model first (loadTransformers)');
  return loaded;
}
