import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSecrets } from '@social-pulse/runtime';
import { jsonLines, NdjsonWriter, writeNdjson } from './ndjson.ts';
import { RawZone, gunzipText } from './raw.ts';
import { LocalStore } from './store/local.ts';

// A session token a source obtained during the run, as a misbehaving server echoes it.
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.session-7Qx.sig';

describe('writers scrub the secret registry', () => {
  it('lands a raw page with every registered value replaced, and the envelope still JSON', async () => {
    registerSecrets([TOKEN]);
    const store = new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-secrets-')));
    const body = JSON.stringify({ posts: [{ text: `you sent ${TOKEN}` }], debug: { authorization: `Bearer ${TOKEN}` } });
    const key = await new RawZone(store, 'run1').land('bluesky', '2026-11-24T00:00:00.000Z', `{"meta":{"source":"bluesky"},"body":${body}}`);
    const text = gunzipText(await store.read(key));
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text)).toEqual({ meta: { source: 'bluesky' }, body: { posts: [{ text: 'you sent ***' }], debug: { authorization: 'Bearer ***' } } });
  });

  it('writes rows for Parquet with every registered value replaced', async () => {
    registerSecrets([TOKEN]);
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'lake-secrets-')), 'rows.ndjson');
    await writeNdjson(file, [{ text: `echo ${TOKEN}`, links: [`https://x.example/?t=${TOKEN}`] }, { text: 'clean', links: [] }]);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([{ text: 'echo ***', links: ['https://x.example/?t=***'] }, { text: 'clean', links: [] }]);
  });

  it('writes rows already encoded as UTF-8 with every registered value replaced', async () => {
    registerSecrets([TOKEN]);
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'lake-secrets-')), 'rows.ndjson');
    const out = new NdjsonWriter(file);
    try {
      await out.writeBytes(new TextEncoder().encode(jsonLines([{ text: `écho ${TOKEN}` }])));
      await out.writeBytes(new TextEncoder().encode(jsonLines([{ text: 'clean ü' }])));
    } finally {
      await out.close();
    }
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([{ text: 'écho ***' }, { text: 'clean ü' }]);
  });
});
