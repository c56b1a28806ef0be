export { buildTinyModels, tinyModelOf, TINY_MODEL_IDS, TINY_MAX_LENGTH } from './tiny-models.ts';
export type { TinyModels, TinyModelName } from './tiny-models.ts';
export { tinyNlpConfig, withTinyModels } from './config.ts';
export type { NlpConfigInput } from './config.ts';
export { encodeModel, DT } from './onnx-proto.ts';
export type { Graph, GraphNode, GraphIo, Tensor as OnnxTensor } from './onnx-proto.ts';
export { buildTokenizer } from './tiny-tokenizer.ts';
