import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildTokenizer, DT, encodeModel, type Graph, type GraphNode, type OnnxTensor } from '@social-pulse/nlp/testing';
import { seededRandom } from '@social-pulse/runtime';

/**
 * A sequence classifier with the compute of a real encoder and none of its knowledge: an
 * embedding, `layers` feed-forward blocks of `hidden`→`ffn`→`hidden` with residuals (the
 * matrix multiplications that dominate a BERT layer's cost), masked mean pooling and a
 * 3-label head, with random weights. Its labels mean nothing; its cost per token is what
 * makes batch size, length sorting, int8 and threading matter, which the tiny test models
 * (a handful of multiplications) cannot show. The q8 file is quantized the way ONNX
 * Runtime's `quantize_dynamic` does it (DynamicQuantizeLinear + MatMulInteger), so q8 vs
 * fp32 is a real comparison.
 */

export const SYNTHETIC_MODEL_ID = 'pulse-bench/synthetic-encoder';

export interface SyntheticShape {
  hidden: number;
  ffn: number;
  layers: number;
}

/** Seeded weights in [-0.5, 0.5), the same on every machine. */
function prng(seed: number) {
  const next = seededRandom(seed);
  return () => next() - 0.5;
}

function randomTensor(name: string, dims: number[], scale: number, r: () => number): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dataType: DT.FLOAT, dims, data: Float32Array.from({ length: n }, () => r() * scale) };
}

/** Symmetric per-tensor int8 weights with their scale and zero point. */
function quantizeWeights(t: OnnxTensor): OnnxTensor[] {
  const data = t.data as Float32Array;
  let maxAbs = 0;
  for (const v of data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / 127 || 1;
  return [
    { name: `${t.name}_q`, dataType: DT.INT8, dims: t.dims, data: Int8Array.from(data, (v) => Math.round(v / scale)) },
    { name: `${t.name}_scale`, dataType: DT.FLOAT, dims: [], data: Float32Array.of(scale) },
    { name: `${t.name}_zero`, dataType: DT.INT8, dims: [], data: Int8Array.of(0) },
  ];
}

/** x · W, as a float MatMul or as dynamic int8 (quantize x per call, integer matmul, rescale). */
function matmul(x: string, w: OnnxTensor, out: string, quantized: boolean): { nodes: GraphNode[]; tensors: OnnxTensor[] } {
  if (!quantized) return { nodes: [{ op: 'MatMul', inputs: [x, w.name], outputs: [out] }], tensors: [w] };
  return {
    tensors: quantizeWeights(w),
    nodes: [
      { op: 'DynamicQuantizeLinear', inputs: [x], outputs: [`${out}_xq`, `${out}_xs`, `${out}_xz`] },
      { op: 'MatMulInteger', inputs: [`${out}_xq`, `${w.name}_q`, `${out}_xz`, `${w.name}_zero`], outputs: [`${out}_i32`] },
      { op: 'Cast', inputs: [`${out}_i32`], outputs: [`${out}_f`], attrs: { to: DT.FLOAT } },
      { op: 'Mul', inputs: [`${out}_xs`, `${w.name}_scale`], outputs: [`${out}_s`] },
      { op: 'Mul', inputs: [`${out}_f`, `${out}_s`], outputs: [out] },
    ],
  };
}

function graph(vocab: number, shape: SyntheticShape, quantized: boolean): Graph {
  const r = prng(1234);
  const { hidden: H, ffn: F, layers } = shape;
  const ids = (name: string) => ({ name, dataType: DT.INT64, shape: ['batch_size', 'sequence_length'] });
  const tensors: OnnxTensor[] = [
    randomTensor('embeddings', [vocab, H], 0.5, r),
    { name: 'axis_1', dataType: DT.INT64, dims: [1], data: BigInt64Array.of(1n) },
    { name: 'axis_2', dataType: DT.INT64, dims: [1], data: BigInt64Array.of(2n) },
    { name: 'one', dataType: DT.FLOAT, dims: [], data: Float32Array.of(1) },
  ];
  const nodes: GraphNode[] = [{ op: 'Gather', inputs: ['embeddings', 'input_ids'], outputs: ['x0'], attrs: { axis: 0 } }];
  for (let l = 0; l < layers; l++) {
    const up = matmul(`x${l}`, randomTensor(`w${l}_up`, [H, F], 2 / Math.sqrt(H), r), `h${l}_up`, quantized);
    const down = matmul(`h${l}_relu`, randomTensor(`w${l}_down`, [F, H], 2 / Math.sqrt(F), r), `h${l}_down`, quantized);
    tensors.push(...up.tensors, ...down.tensors, randomTensor(`b${l}_up`, [F], 0.1, r), randomTensor(`b${l}_down`, [H], 0.1, r));
    nodes.push(
      ...up.nodes,
      { op: 'Add', inputs: [`h${l}_up`, `b${l}_up`], outputs: [`h${l}_biased`] },
      { op: 'Relu', inputs: [`h${l}_biased`], outputs: [`h${l}_relu`] },
      ...down.nodes,
      { op: 'Add', inputs: [`h${l}_down`, `b${l}_down`], outputs: [`h${l}_out`] },
      { op: 'Add', inputs: [`x${l}`, `h${l}_out`], outputs: [`x${l + 1}`] },
    );
  }
  tensors.push(randomTensor('classifier', [H, 3], 1 / Math.sqrt(H), r), randomTensor('classifier_bias', [3], 0.1, r));
  nodes.push(
    { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_f'], attrs: { to: DT.FLOAT } },
    { op: 'Unsqueeze', inputs: ['mask_f', 'axis_2'], outputs: ['mask3'] },
    { op: 'Mul', inputs: [`x${layers}`, 'mask3'], outputs: ['masked'] },
    { op: 'ReduceSum', inputs: ['masked', 'axis_1'], outputs: ['summed'], attrs: { keepdims: 0 } },
    { op: 'ReduceSum', inputs: ['mask_f', 'axis_1'], outputs: ['count'], attrs: { keepdims: 1 } },
    { op: 'Max', inputs: ['count', 'one'], outputs: ['count_1'] },
    { op: 'Div', inputs: ['summed', 'count_1'], outputs: ['pooled'] },
    { op: 'MatMul', inputs: ['pooled', 'classifier'], outputs: ['projected'] },
    { op: 'Add', inputs: ['projected', 'classifier_bias'], outputs: ['logits'] },
  );
  return {
    name: 'synthetic_encoder',
    inputs: [ids('input_ids'), ids('attention_mask')],
    outputs: [{ name: 'logits', dataType: DT.FLOAT, shape: ['batch_size', 3] }],
    initializers: tensors,
    nodes,
  };
}

/** Write the synthetic model as a sentiment model (negative/neutral/positive) under `dir`. */
export async function buildSyntheticModel(dir: string, words: readonly string[], shape: SyntheticShape): Promise<string> {
  const { vocab, tokenizerJson, tokenizerConfig } = buildTokenizer(words, 512);
  const folder = path.join(dir, ...SYNTHETIC_MODEL_ID.split('/'));
  await mkdir(path.join(folder, 'onnx'), { recursive: true });
  const labels = ['negative', 'neutral', 'positive'];
  const config = {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: vocab.size,
    hidden_size: shape.hidden,
    intermediate_size: shape.ffn,
    num_hidden_layers: shape.layers,
    num_attention_heads: 1,
    max_position_embeddings: 512,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
  };
  await writeFile(path.join(folder, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  await writeFile(path.join(folder, 'onnx', 'model.onnx'), encodeModel(graph(vocab.size, shape, false)));
  await writeFile(path.join(folder, 'onnx', 'model_quantized.onnx'), encodeModel(graph(vocab.size, shape, true)));
  return SYNTHETIC_MODEL_ID;
}
