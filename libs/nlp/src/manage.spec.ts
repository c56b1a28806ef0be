import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, pullModels, verifyModels } from './manage.ts';
import { tinyNlpConfig, withTinyModels } from './testing/index.ts';

let tiny: Awaited<ReturnType<typeof withTinyModels>>;
let hub: Server;
let hubUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  tiny = await withTinyModels();
  // A stand-in for the Hugging Face hub on loopback: /{org}/{name}/resolve/{revision}/{file}.
  hub = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
    const file = m ? path.join(tiny.dir, m[1]!, m[3]!) : '';
    const s = file ? await stat(file).catch(() => null) : null;
    if (!s?.isFile()) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    res.writeHead(200, { 'content-length': s.size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

describe('pulse models', () => {
  it('lists configured models with the files each needs', async () => {
    const config = tiny.config({ entities: { model: 'nobody/missing-ner' } });
    const list = await listModels(config, { env: {} });
    expect(list.map((m) => [m.task, m.id, m.present])).toEqual([
      ['topics', tiny.ids.nli, true],
      ['entities', 'nobody/missing-ner', false],
      ['sentiment', tiny.ids.sentiment, true],
    ]);
    expect(list[0]!.folder).toBe(path.join(tiny.dir, 'pulse-tiny', 'nli-topics'));
    expect(list[0]!.bytes).toBeGreaterThan(1000);
    expect(list[1]!.missing).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']);
    const fp32 = await listModels(tiny.config({ dtype: 'fp32' }), { env: {} });
    expect(fp32.every((m) => m.present)).toBe(true);
  });

  it('takes the models dir from PULSE_MODELS_DIR first', async () => {
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'pulse-empty-'));
    const list = await listModels(tinyNlpConfig(elsewhere), { env: { PULSE_MODELS_DIR: tiny.dir } });
    expect(list.every((m) => m.present)).toBe(true);
  });

  it('verifies each model by loading it and labelling a sample post', async () => {
    const results = await verifyModels(tiny.config({ entities: { model: 'nobody/missing-ner' } }), { env: {} });
    expect(results.map((r) => [r.task, r.ok])).toEqual([
      ['topics', true],
      ['entities', false],
      ['sentiment', true],
    ]);
    expect(results[0]!.output).toMatch(/orchestration/);
    expect(results[1]!.error).toMatch(/missing config\.json/);
    expect(results[2]!.output).toMatch(/^positive 0\.9\d$/);
  });

  it('says under verify which entity labels of the model map to no type', async () => {
    const folder = path.join(tiny.dir, 'pulse-tiny', 'ner-company');
    await cp(path.join(tiny.dir, tiny.ids.ner), folder, { recursive: true });
    const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8')) as { id2label: Record<string, string> };
    config.id2label = Object.fromEntries(Object.entries(config.id2label).map(([k, v]) => [k, v.replace(/-ORG$/, '-company')]));
    await writeFile(path.join(folder, 'config.json'), JSON.stringify(config));
    // The sample post names Snowflake, which the tiny model tags as an organisation.
    const [, entities] = await verifyModels(tinyNlpConfig(tiny.dir, { entities: { model: 'pulse-tiny/ner-company', builtinDictionary: false } }), { env: {} });
    expect(entities).toMatchObject({ ok: true, warnings: [expect.stringMatching(/tags company, which maps to no entity type.*labelMap/)] });
    expect((await verifyModels(tiny.config(), { env: {} }))[1]!.warnings).toBeUndefined();
  });

  it('pulls missing models into the models dir, where they then load offline', async () => {
    const dest = await mkdtemp(path.join(os.tmpdir(), 'pulse-pulled-'));
    const config = tinyNlpConfig(dest);
    expect((await listModels(config, { env: {} })).some((m) => m.present)).toBe(false);
    const progress: string[] = [];
    const pulled = await pullModels(config, { env: {}, remoteHost: hubUrl, onProgress: (p) => progress.push(p.file) });
    expect(pulled.map((p) => [p.task, p.pulled, p.present, p.error])).toEqual([
      ['topics', true, true, undefined],
      ['entities', true, true, undefined],
      ['sentiment', true, true, undefined],
    ]);
    expect(requests.some((r) => r.startsWith(`GET /${tiny.ids.nli}/resolve/main/onnx/model_quantized.onnx`))).toBe(true);
    expect(progress).toContain('onnx/model_quantized.onnx');
    // Present now: a second pull downloads nothing, and verify loads them offline.
    const before = requests.length;
    expect((await pullModels(config, { env: {}, remoteHost: hubUrl })).every((p) => !p.pulled && p.present)).toBe(true);
    expect(requests.length).toBe(before);
    expect((await verifyModels(config, { env: {} })).every((r) => r.ok)).toBe(true);
  });

  it('explains what pull needs', async () => {
    const config = tinyNlpConfig(tiny.dir);
    await expect(pullModels({ ...config, modelsDir: undefined }, { env: {} })).rejects.toThrow(/PULSE_MODELS_DIR or nlp.modelsDir/);
    const dest = await mkdtemp(path.join(os.tmpdir(), 'pulse-pulled-'));
    const [failed] = await pullModels(tinyNlpConfig(dest, { entities: { enabled: false }, sentiment: { enabled: false }, topics: { model: 'nobody/nothing' } }), {
      env: {},
      remoteHost: hubUrl,
    });
    expect(failed).toMatchObject({ pulled: false, present: false });
    expect(failed!.error).toBeTruthy();
  });
});
