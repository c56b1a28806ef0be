import { DT, type Graph, type GraphNode, type Tensor } from './onnx-proto.ts';

/**
 * ONNX graphs with the inputs and outputs of real transformer heads, small enough to build
 * in milliseconds. Each takes a word-embedding table [vocab, hidden] and a head [hidden,
 * labels]; with `quantized`, both are stored as int8 and dequantized inside the graph (the
 * weight-only int8 scheme), so `onnx/model_quantized.onnx` is a genuinely different file
 * that computes the same function as `onnx/model.onnx`.
 */

export interface Weights {
  /** Row-major [vocab, hidden]. */
  embedding: Float32Array;
  vocabSize: number;
  hidden: number;
  /** Row-major [hidden, labels] (or [1, labels] for the NLI head). */
  head: Float32Array;
  bias: Float32Array;
  labels: number;
}

const ids = (name: string) => ({ name, dataType: DT.INT64, shape: ['batch_size', 'sequence_length'] });

function floatTensor(name: string, dims: number[], data: Float32Array): Tensor {
  return { name, dataType: DT.FLOAT, dims, data };
}

/** Either a float initializer, or an int8 one plus the DequantizeLinear node that restores it. */
function weight(name: string, dims: number[], data: Float32Array, quantized: boolean) {
  if (!quantized) return { tensors: [floatTensor(name, dims, data)], nodes: [] as GraphNode[] };
  let maxAbs = 0;
  for (const v of data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = Int8Array.from(data, (v) => Math.max(-127, Math.min(127, Math.round(v / scale))));
  return {
    tensors: [
      { name: `${name}_q`, dataType: DT.INT8, dims, data: q },
      floatTensor(`${name}_scale`, [], Float32Array.of(scale)),
      { name: `${name}_zero`, dataType: DT.INT8, dims: [], data: Int8Array.of(0) },
    ] satisfies Tensor[],
    nodes: [{ op: 'DequantizeLinear', inputs: [`${name}_q`, `${name}_scale`, `${name}_zero`], outputs: [name] }],
  };
}

const CONSTANTS = {
  axis_1: { name: 'axis_1', dataType: DT.INT64, dims: [1], data: BigInt64Array.of(1n) },
  axis_2: { name: 'axis_2', dataType: DT.INT64, dims: [1], data: BigInt64Array.of(2n) },
  one: floatTensor('one', [], Float32Array.of(1)),
  eps: floatTensor('eps', [], Float32Array.of(1e-6)),
} satisfies Record<string, Tensor>;

/** Only the constants a graph uses: ONNX Runtime warns about unused initializers. */
function constants(names: (keyof typeof CONSTANTS)[]): Tensor[] {
  return names.map((n) => CONSTANTS[n]);
}

/** Sum of the embeddings under `mask` [B,S], then L2-normalized: a padding-independent bag of words. */
function pooled(prefix: string, mask: string): GraphNode[] {
  return [
    { op: 'Unsqueeze', inputs: [mask, 'axis_2'], outputs: [`${prefix}_mask3`] },
    { op: 'Mul', inputs: ['embedded', `${prefix}_mask3`], outputs: [`${prefix}_masked`] },
    { op: 'ReduceSum', inputs: [`${prefix}_masked`, 'axis_1'], outputs: [`${prefix}_sum`], attrs: { keepdims: 0 } },
    { op: 'Mul', inputs: [`${prefix}_sum`, `${prefix}_sum`], outputs: [`${prefix}_sq`] },
    { op: 'ReduceSum', inputs: [`${prefix}_sq`, 'axis_1'], outputs: [`${prefix}_sqsum`], attrs: { keepdims: 1 } },
    { op: 'Sqrt', inputs: [`${prefix}_sqsum`], outputs: [`${prefix}_norm`] },
    { op: 'Add', inputs: [`${prefix}_norm`, 'eps'], outputs: [`${prefix}_norm_eps`] },
    { op: 'Div', inputs: [`${prefix}_sum`, `${prefix}_norm_eps`], outputs: [prefix] },
  ];
}

function common(w: Weights, quantized: boolean, constantNames: (keyof typeof CONSTANTS)[]) {
  const emb = weight('embeddings', [w.vocabSize, w.hidden], w.embedding, quantized);
  return {
    initializers: [...constants(constantNames), ...emb.tensors],
    nodes: [
      ...emb.nodes,
      { op: 'Gather', inputs: ['embeddings', 'input_ids'], outputs: ['embedded'], attrs: { axis: 0 } },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_f'], attrs: { to: DT.FLOAT } },
    ] satisfies GraphNode[],
  };
}

/** input_ids, attention_mask → logits [batch, labels]: normalized bag of words → linear head. */
export function sequenceClassifierGraph(w: Weights, quantized: boolean): Graph {
  const c = common(w, quantized, ['axis_1', 'axis_2', 'eps']);
  const head = weight('classifier', [w.hidden, w.labels], w.head, quantized);
  return {
    name: 'tiny_sequence_classifier',
    inputs: [ids('input_ids'), ids('attention_mask')],
    outputs: [{ name: 'logits', dataType: DT.FLOAT, shape: ['batch_size', w.labels] }],
    initializers: [...c.initializers, ...head.tensors, floatTensor('classifier_bias', [w.labels], w.bias)],
    nodes: [
      ...c.nodes,
      ...head.nodes,
      ...pooled('pooled', 'mask_f'),
      { op: 'MatMul', inputs: ['pooled', 'classifier'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'classifier_bias'], outputs: ['logits'] },
    ],
  };
}

/**
 * A natural-language-inference head: premise (token type 0) and hypothesis (token type 1)
 * are pooled separately; their cosine similarity drives the logits through a [1, 3] head,
 * so a premise that shares a concept with the hypothesis is "entailed".
 */
export function nliGraph(w: Weights, quantized: boolean): Graph {
  const c = common(w, quantized, ['axis_1', 'axis_2', 'eps', 'one']);
  return {
    name: 'tiny_nli',
    inputs: [ids('input_ids'), ids('attention_mask'), ids('token_type_ids')],
    outputs: [{ name: 'logits', dataType: DT.FLOAT, shape: ['batch_size', w.labels] }],
    initializers: [...c.initializers, floatTensor('nli_head', [1, w.labels], w.head), floatTensor('nli_bias', [w.labels], w.bias)],
    nodes: [
      ...c.nodes,
      { op: 'Cast', inputs: ['token_type_ids'], outputs: ['type_f'], attrs: { to: DT.FLOAT } },
      { op: 'Sub', inputs: ['one', 'type_f'], outputs: ['not_type_f'] },
      { op: 'Mul', inputs: ['mask_f', 'not_type_f'], outputs: ['premise_mask'] },
      { op: 'Mul', inputs: ['mask_f', 'type_f'], outputs: ['hypothesis_mask'] },
      ...pooled('premise', 'premise_mask'),
      ...pooled('hypothesis', 'hypothesis_mask'),
      { op: 'Mul', inputs: ['premise', 'hypothesis'], outputs: ['cos_terms'] },
      { op: 'ReduceSum', inputs: ['cos_terms', 'axis_1'], outputs: ['cosine'], attrs: { keepdims: 1 } },
      { op: 'MatMul', inputs: ['cosine', 'nli_head'], outputs: ['nli_projected'] },
      { op: 'Add', inputs: ['nli_projected', 'nli_bias'], outputs: ['logits'] },
    ],
  };
}

/** input_ids, attention_mask → logits [batch, sequence, labels]: per-token embedding → linear head. */
export function tokenClassifierGraph(w: Weights, quantized: boolean): Graph {
  const c = common(w, quantized, ['axis_2']);
  const head = weight('classifier', [w.hidden, w.labels], w.head, quantized);
  return {
    name: 'tiny_token_classifier',
    inputs: [ids('input_ids'), ids('attention_mask')],
    outputs: [{ name: 'logits', dataType: DT.FLOAT, shape: ['batch_size', 'sequence_length', w.labels] }],
    initializers: [...c.initializers, ...head.tensors, floatTensor('classifier_bias', [w.labels], w.bias)],
    nodes: [
      ...c.nodes,
      ...head.nodes,
      { op: 'Unsqueeze', inputs: ['mask_f', 'axis_2'], outputs: ['mask3'] },
      { op: 'Mul', inputs: ['embedded', 'mask3'], outputs: ['token_states'] },
      { op: 'MatMul', inputs: ['token_states', 'classifier'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'classifier_bias'], outputs: ['logits'] },
    ],
  };
}
