import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nlpSchema } from '@social-pulse/config';
import { describe, expect, it } from 'vitest';
import { modelFolder, requiredFiles, resolveDevice, resolveModelsDir, threadCount } from './models.ts';
import { buildTinyModels } from './testing/index.ts';

describe('model files', () => {
  it('finds models under the models dir, by revision, or at a folder path', () => {
    expect(modelFolder({ id: 'Xenova/bert-base-NER', revision: 'main' }, '/m')).toBe('/m/Xenova/bert-base-NER');
    expect(modelFolder({ id: 'Xenova/bert-base-NER', revision: 'v2' }, '/m')).toBe('/m/Xenova/bert-base-NER/v2');
    expect(modelFolder({ id: '/opt/models/tweet-topic', revision: 'main' }, undefined)).toBe('/opt/models/tweet-topic');
    expect(modelFolder({ id: 'Xenova/bert-base-NER', revision: 'main' }, undefined)).toBeNull();
  });

  it('needs the config, the tokenizer and the weights of the chosen dtype', () => {
    expect(requiredFiles('q8')).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']);
    expect(requiredFiles('fp32').at(-1)).toBe('onnx/model.onnx');
  });

  it('prefers PULSE_MODELS_DIR to the configuration', () => {
    const config = nlpSchema.parse({ modelsDir: 'models' });
    expect(resolveModelsDir(config, {})).toBe(path.resolve('models'));
    expect(resolveModelsDir(config, { PULSE_MODELS_DIR: '/srv/models' })).toBe('/srv/models');
    expect(resolveModelsDir(nlpSchema.parse({}), {})).toBeUndefined();
  });

  it('sizes threads to the machine unless configured', () => {
    expect(threadCount(3)).toBe(3);
    expect(threadCount(0)).toBe(os.availableParallelism());
  });

  it('uses the CPU when asked, whatever is installed', () => {
    expect(resolveDevice('cpu', { info: () => {}, warn: () => {} })).toBe('cpu');
  });
});

describe('tiny models', () => {
  it('are deterministic, with distinct fp32 and int8 weight files', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => mkdtemp(path.join(os.tmpdir(), 'pulse-tiny-'))));
    await buildTinyModels(a!);
    await buildTinyModels(b!);
    for (const f of ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'config.json']) {
      const [x, y] = await Promise.all([a!, b!].map((d) => readFile(path.join(d, 'pulse-tiny', 'ner-conll', f))));
      expect(x!.equals(y!), f).toBe(true);
    }
    const fp32 = await readFile(path.join(a!, 'pulse-tiny', 'nli-topics', 'onnx', 'model.onnx'));
    const q8 = await readFile(path.join(a!, 'pulse-tiny', 'nli-topics', 'onnx', 'model_quantized.onnx'));
    expect(fp32.equals(q8)).toBe(false);
    expect(q8.includes(Buffer.from('DequantizeLinear'))).toBe(true);
    const config = JSON.parse(await readFile(path.join(a!, 'pulse-tiny', 'nli-topics', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', label2id: { entailment: 0, neutral: 1, contradiction: 2 } });
  });
});
