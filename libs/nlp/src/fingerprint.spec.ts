import { cp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnricher } from './enricher.ts';
import { resolveModelVersions } from './fingerprint.ts';
import { modelVersions } from './plan.ts';
import { withTinyModels } from './testing/index.ts';

const T = '2026-11-24T10:00:00.000Z';
const POST = { post_id: '1', created_at: T, text: 'kafka is great' };

describe('model fingerprint', { timeout: 60_000 }, () => {
  it('makes files replaced in place a new model version, so their posts are labelled again', async () => {
    const tiny = await withTinyModels();
    const folder = path.join(tiny.dir, 'pulse-tiny', 'replaced');
    await cp(path.join(tiny.dir, tiny.ids.sentiment), folder, { recursive: true });
    const config = tiny.config({ topics: { enabled: false }, entities: { enabled: false }, sentiment: { model: 'pulse-tiny/replaced' } });

    const before = await resolveModelVersions(config, {});
    expect(before).toHaveLength(1);
    expect(before[0]!.model).toBe(`${modelVersions(config)[0]!.model} files:${before[0]!.model.slice(-12)}`);
    expect(before[0]!.model).toMatch(/^pulse-tiny\/replaced@main q8 #[0-9a-f]{8} files:[0-9a-f]{12}$/);
    expect(await resolveModelVersions(config, {})).toEqual(before);
    // The same files elsewhere are the same model: the fingerprint is of the contents, not the path.
    expect((await resolveModelVersions(tiny.config({ sentiment: { model: tiny.ids.sentiment } }), {}))[2]!.model.slice(-12)).toBe(before[0]!.model.slice(-12));

    const old = await createEnricher(config, { env: {} });
    expect(old.models).toEqual(before);
    const [r1] = await old.enrich([POST]);
    await old.close();
    expect(r1!.sentiment).toBe('positive');

    // Other weights written over the same files (same id, same revision, same dtype).
    await cp(path.join(tiny.dir, tiny.ids.sentimentInverted, 'onnx'), path.join(folder, 'onnx'), { recursive: true, force: true });
    const after = await resolveModelVersions(config, {});
    expect(after[0]!.model).not.toBe(before[0]!.model);
    const replaced = await createEnricher(config, { env: {} });
    try {
      expect(replaced.models).toEqual(after);
      const [r2] = await replaced.enrich([POST]);
      expect(r2!.sentiment).toBe('negative');
      expect(r2!.text_hash).not.toBe(r1!.text_hash);
      // A post labelled by the old weights is to be labelled again, and is no source of copies.
      const plan = replaced.plan([{ post_id: '1', text: POST.text }, { post_id: '2', text: POST.text }], [{ post_id: '1', text_hash: r1!.text_hash }]);
      expect(plan).toMatchObject({ upToDate: 0, copies: [] });
      expect(plan.todo).toHaveLength(2);
    } finally {
      await replaced.close();
    }
  });

  it('covers config.json and tokenizer.json, and is not fooled by a file given back its old size and time', async () => {
    const tiny = await withTinyModels();
    const config = tiny.config();
    const fingerprint = async () => (await resolveModelVersions(config, {}))[2]!.model;
    const folder = path.join(tiny.dir, tiny.ids.sentiment);
    const v0 = await fingerprint();

    const labels = path.join(folder, 'config.json');
    const original = await readFile(labels, 'utf8');
    // The labels in the other order: negative is positive now.
    const parsed = JSON.parse(original) as { id2label: Record<string, string> };
    await writeFile(labels, JSON.stringify({ ...parsed, id2label: { 0: 'positive', 1: 'neutral', 2: 'negative' } }));
    const v1 = await fingerprint();
    expect(v1).not.toBe(v0);
    await writeFile(labels, original);
    expect(await fingerprint()).toBe(v0);

    // Same size, old modification time (as `cp -p` or `touch -r` leave it): still seen.
    const tokenizer = path.join(folder, 'tokenizer.json');
    const s = await stat(tokenizer);
    const text = await readFile(tokenizer, 'utf8');
    await writeFile(tokenizer, text.replace('"great"', '"GREAT"'));
    await utimes(tokenizer, s.atime, s.mtime);
    expect((await stat(tokenizer)).size).toBe(s.size);
    expect(await fingerprint()).not.toBe(v0);
  });
});
