import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildTokenizer, DT, encodeModel, type Graph, type GraphNode, type OnnxTensor } from '@social-pulse/nlp/testing';
import { seededRandom } from '@social-pulse/runtime';

/**
 * Three models with the shape and cost of roberta-base and none of its knowledge, for the
 * "real width" part of the enrich benchmark: 12 encoder layers, 768 wide, 12 heads of 64,
 * feed-forward 3072, int8 weights quantized the way ONNX Runtime's `quantize_dynamic` does
 * (DynamicQuantizeLinear + MatMulInteger for every weight matrix), random weights.
 *
 * Each layer is what a BERT/RoBERTa layer computes: Q, K, V projections, scaled dot-product
 * attention over the padding mask with softmax, the output projection, a residual and layer
 * norm, the 768→3072→768 feed-forward block (ReLU for GELU, which opset 13 lacks; the same
 * cost class), a residual and layer norm. The three heads are those of the default models:
 *
 * - sentiment: a 3-label sequence classifier (first token → dense + tanh → 3 logits), like
 *   twitter-roberta-base-sentiment;
 * - nli: the same head with entailment / neutral / contradiction, for zero-shot topics (one
 *   pass per post and label);
 * - ner: a token classifier with the 9 CoNLL labels, like bert-base-NER.
 *
 * The labels mean nothing; the cost per token is that of a real base-size encoder. Only the
 * int8 file (`onnx/model_quantized.onnx`, what `dtype: q8`, the default, loads) is written.
 */

export const ROBERTA_SHAPE = { layers: 12, hidden: 768, heads: 12, ffn: 3072 } as const;
export type EncoderShape = { layers: number; hidden: number; heads: number; ffn: number };

export const ROBERTA_SHAPE_IDS = {
  sentiment: 'pulse-bench/roberta-shape-sentiment',
  nli: 'pulse-bench/roberta-shape-nli',
  ner: 'pulse-bench/roberta-shape-ner',
} as const;

const CONLL_LABELS = ['O', 'B-MISC', 'I-MISC', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC'];

function floats(name: string, dims: number[], scale: number, r: () => number): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (r() - 0.5) * scale;
  return { name, dataType: DT.FLOAT, dims, data };
}

const constant = (name: string, dims: number[], data: Float32Array | BigInt64Array): OnnxTensor => ({
  name,
  dataType: data instanceof Float32Array ? DT.FLOAT : DT.INT64,
  dims,
  data,
});

/** Random int8 weights [rows, cols] with a per-tensor scale and zero point 0, as quantize_dynamic stores them. */
function int8Weight(name: string, rows: number, cols: number, r: () => number): OnnxTensor[] {
  const data = new Int8Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = Math.round((r() - 0.5) * 254);
  return [
    { name: `${name}_q`, dataType: DT.INT8, dims: [rows, cols], data },
    constant(`${name}_scale`, [], Float32Array.of(2 / Math.sqrt(rows) / 127)),
    { name: `${name}_zero`, dataType: DT.INT8, dims: [], data: Int8Array.of(0) },
  ];
}

/** x · W + b with dynamic int8: quantize x per call, integer matmul, rescale, add the bias. */
function linear(x: string, w: string, out: string): GraphNode[] {
  return [
    { op: 'DynamicQuantizeLinear', inputs: [x], outputs: [`${out}_xq`, `${out}_xs`, `${out}_xz`] },
    { op: 'MatMulInteger', inputs: [`${out}_xq`, `${w}_q`, `${out}_xz`, `${w}_zero`], outputs: [`${out}_i32`] },
    { op: 'Cast', inputs: [`${out}_i32`], outputs: [`${out}_f`], attrs: { to: DT.FLOAT } },
    { op: 'Mul', inputs: [`${out}_xs`, `${w}_scale`], outputs: [`${out}_s`] },
    { op: 'Mul', inputs: [`${out}_f`, `${out}_s`], outputs: [`${out}_nobias`] },
    { op: 'Add', inputs: [`${out}_nobias`, `${w}_bias`], outputs: [out] },
  ];
}

/** Layer norm over the last axis (opset 13 has no LayerNormalization), with gamma 1 and beta 0. */
function layerNorm(x: string, out: string): GraphNode[] {
  return [
    { op: 'ReduceMean', inputs: [x], outputs: [`${out}_mean`], attrs: { axes: [-1], keepdims: 1 } },
    { op: 'Sub', inputs: [x, `${out}_mean`], outputs: [`${out}_d`] },
    { op: 'Mul', inputs: [`${out}_d`, `${out}_d`], outputs: [`${out}_d2`] },
    { op: 'ReduceMean', inputs: [`${out}_d2`], outputs: [`${out}_var`], attrs: { axes: [-1], keepdims: 1 } },
    { op: 'Add', inputs: [`${out}_var`, 'ln_eps'], outputs: [`${out}_var_eps`] },
    { op: 'Sqrt', inputs: [`${out}_var_eps`], outputs: [`${out}_std`] },
    { op: 'Div', inputs: [`${out}_d`, `${out}_std`], outputs: [out] },
  ];
}

/** The encoder body shared by the three models: embeddings, then `layers` layers; its output is `x<layers>`. */
function encoder(vocab: number, shape: EncoderShape): { tensors: OnnxTensor[]; nodes: GraphNode[] } {
  const r = seededRandom(2026);
  const { hidden: H, heads, ffn: F, layers } = shape;
  const dh = H / heads;
  const tensors: OnnxTensor[] = [
    floats('word_embeddings', [vocab, H], 1, r),
    constant('ln_eps', [], Float32Array.of(1e-5)),
    constant('axes_1_2', [2], BigInt64Array.of(1n, 2n)),
    constant('heads_shape', [4], BigInt64Array.of(0n, 0n, BigInt(heads), BigInt(dh))),
    constant('hidden_shape', [3], BigInt64Array.of(0n, 0n, BigInt(H))),
    constant('attn_scale', [], Float32Array.of(1 / Math.sqrt(dh))),
    constant('one', [], Float32Array.of(1)),
    constant('mask_neg', [], Float32Array.of(-10000)),
  ];
  const nodes: GraphNode[] = [
    { op: 'Gather', inputs: ['word_embeddings', 'input_ids'], outputs: ['emb'], attrs: { axis: 0 } },
    ...layerNorm('emb', 'x0'),
    // Padding mask → additive bias [B, 1, 1, S]: 0 where attended, -10000 on padding.
    { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_f'], attrs: { to: DT.FLOAT } },
    { op: 'Sub', inputs: ['one', 'mask_f'], outputs: ['mask_inv'] },
    { op: 'Mul', inputs: ['mask_inv', 'mask_neg'], outputs: ['mask_bias2'] },
    { op: 'Unsqueeze', inputs: ['mask_bias2', 'axes_1_2'], outputs: ['mask_bias'] },
  ];
  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    for (const [w, rows, cols] of [['q', H, H], ['k', H, H], ['v', H, H], ['o', H, H], ['up', H, F], ['down', F, H]] as const) {
      tensors.push(...int8Weight(`${p}_${w}`, rows, cols, r), floats(`${p}_${w}_bias`, [cols], 0.1, r));
    }
    const x = `x${l}`;
    const heads4 = (name: string, perm: number[]): GraphNode[] => [
      { op: 'Reshape', inputs: [`${p}_${name}_out`, 'heads_shape'], outputs: [`${p}_${name}_4`] },
      { op: 'Transpose', inputs: [`${p}_${name}_4`], outputs: [`${p}_${name}_t`], attrs: { perm } },
    ];
    nodes.push(
      ...linear(x, `${p}_q`, `${p}_q_out`),
      ...linear(x, `${p}_k`, `${p}_k_out`),
      ...linear(x, `${p}_v`, `${p}_v_out`),
      ...heads4('q', [0, 2, 1, 3]), // [B, h, S, dh]
      ...heads4('k', [0, 2, 3, 1]), // [B, h, dh, S]
      ...heads4('v', [0, 2, 1, 3]),
      { op: 'MatMul', inputs: [`${p}_q_t`, `${p}_k_t`], outputs: [`${p}_scores_raw`] },
      { op: 'Mul', inputs: [`${p}_scores_raw`, 'attn_scale'], outputs: [`${p}_scores_scaled`] },
      { op: 'Add', inputs: [`${p}_scores_scaled`, 'mask_bias'], outputs: [`${p}_scores`] },
      { op: 'Softmax', inputs: [`${p}_scores`], outputs: [`${p}_probs`], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: [`${p}_probs`, `${p}_v_t`], outputs: [`${p}_ctx4`] },
      { op: 'Transpose', inputs: [`${p}_ctx4`], outputs: [`${p}_ctx_t`], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Reshape', inputs: [`${p}_ctx_t`, 'hidden_shape'], outputs: [`${p}_ctx`] },
      ...linear(`${p}_ctx`, `${p}_o`, `${p}_attn`),
      { op: 'Add', inputs: [x, `${p}_attn`], outputs: [`${p}_res1`] },
      ...layerNorm(`${p}_res1`, `${p}_h`),
      ...linear(`${p}_h`, `${p}_up`, `${p}_up_out`),
      { op: 'Relu', inputs: [`${p}_up_out`], outputs: [`${p}_act`] },
      ...linear(`${p}_act`, `${p}_down`, `${p}_down_out`),
      { op: 'Add', inputs: [`${p}_h`, `${p}_down_out`], outputs: [`${p}_res2`] },
      ...layerNorm(`${p}_res2`, `x${l + 1}`),
    );
  }
  return { tensors, nodes };
}

const ids = (name: string) => ({ name, dataType: DT.INT64, shape: ['batch_size', 'sequence_length'] });

/** A sequence classifier: the first token's state → dense + tanh → `labels` logits (RoBERTa's head). */
function sequenceHead(body: ReturnType<typeof encoder>, shape: EncoderShape, labels: number, name: string): Graph {
  const r = seededRandom(7 + labels);
  const H = shape.hidden;
  return {
    name,
    inputs: [ids('input_ids'), ids('attention_mask')],
    outputs: [{ name: 'logits', dataType: DT.FLOAT, shape: ['batch_size', labels] }],
    initializers: [
      ...body.tensors,
      constant('first', [], BigInt64Array.of(0n)),
      ...int8Weight('head_dense', H, H, r),
      floats('head_dense_bias', [H], 0.1, r),
      floats('head_out', [H, labels], 2 / Math.sqrt(H), r),
      floats('head_out_bias', [labels], 0.1, r),
    ],
    nodes: [
      ...body.nodes,
      { op: 'Gather', inputs: [`x${shape.layers}`, 'first'], outputs: ['cls'], attrs: { axis: 1 } },
      ...linear('cls', 'head_dense', 'pooled_pre'),
      { op: 'Tanh', inputs: ['pooled_pre'], outputs: ['pooled'] },
      { op: 'MatMul', inputs: ['pooled', 'head_out'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'head_out_bias'], outputs: ['logits'] },
    ],
  };
}

/** A token classifier: every token's state → `labels` logits. */
function tokenHead(body: ReturnType<typeof encoder>, shape: EncoderShape, labels: number): Graph {
  const r = seededRandom(11);
  const H = shape.hidden;
  return {
    name: 'roberta_shape_ner',
    inputs: [ids('input_ids'), ids('attention_mask')],
    outputs: [{ name: 'logits', dataType: DT.FLOAT, shape: ['batch_size', 'sequence_length', labels] }],
    initializers: [...body.tensors, floats('head_out', [H, labels], 2 / Math.sqrt(H), r), floats('head_out_bias', [labels], 0.1, r)],
    nodes: [
      ...body.nodes,
      { op: 'MatMul', inputs: [`x${shape.layers}`, 'head_out'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'head_out_bias'], outputs: ['logits'] },
    ],
  };
}

/**
 * Write the three models under `dir` (`<dir>/pulse-bench/roberta-shape-*`), sharing one
 * tokenizer over `words` (512 tokens at most, like RoBERTa). Deterministic: seeded weights.
 */
export async function buildRobertaShapeModels(dir: string, words: readonly string[], shape: EncoderShape = ROBERTA_SHAPE): Promise<typeof ROBERTA_SHAPE_IDS> {
  if (shape.hidden % shape.heads) throw new Error(`hidden ${shape.hidden} is not a multiple of heads ${shape.heads}`);
  const { vocab, tokenizerJson, tokenizerConfig } = buildTokenizer(words, 512);
  const body = encoder(vocab.size, shape);
  const models: { id: string; architecture: string; labels: string[]; graph: Graph }[] = [
    {
      id: ROBERTA_SHAPE_IDS.sentiment,
      architecture: 'RobertaForSequenceClassification',
      labels: ['negative', 'neutral', 'positive'],
      graph: sequenceHead(body, shape, 3, 'roberta_shape_sentiment'),
    },
    {
      id: ROBERTA_SHAPE_IDS.nli,
      architecture: 'RobertaForSequenceClassification',
      labels: ['contradiction', 'neutral', 'entailment'],
      graph: sequenceHead(body, shape, 3, 'roberta_shape_nli'),
    },
    { id: ROBERTA_SHAPE_IDS.ner, architecture: 'RobertaForTokenClassification', labels: CONLL_LABELS, graph: tokenHead(body, shape, CONLL_LABELS.length) },
  ];
  for (const m of models) {
    const folder = path.join(dir, ...m.id.split('/'));
    await mkdir(path.join(folder, 'onnx'), { recursive: true });
    const config = {
      _name_or_path: m.id,
      architectures: [m.architecture],
      // The tokenizer is the benchmark's small WordPiece one; `bert` keeps transformers.js on
      // the tokenizer it describes. The compute is set by the graph, not by this name.
      model_type: 'bert',
      vocab_size: vocab.size,
      hidden_size: shape.hidden,
      num_hidden_layers: shape.layers,
      num_attention_heads: shape.heads,
      intermediate_size: shape.ffn,
      max_position_embeddings: 514,
      id2label: Object.fromEntries(m.labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(m.labels.map((l, i) => [l, i])),
    };
    await writeFile(path.join(folder, 'config.json'), JSON.stringify(config, null, 2));
    await writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson));
    await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
    await writeFile(path.join(folder, 'onnx', 'model_quantized.onnx'), encodeModel(m.graph, { docString: `${m.id}: random weights, roberta-base shape (social-pulse enrich benchmark)` }));
  }
  return ROBERTA_SHAPE_IDS;
}
