import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PulseError } from '@social-pulse/runtime';
import { RawZone, gunzipText } from './raw.ts';
import { rawFilesAfter } from './zone.ts';
import { StateStore } from './state.ts';
import { GcsStore } from './store/gcs.ts';
import { LocalStore } from './store/local.ts';
import { AlreadyExistsError, PreconditionFailedError, type LakeStore } from './store/store.ts';
import { fakeGcsClient, startFakeGcs, type FakeGcs } from './testing/index.ts';

let gcs: FakeGcs;
beforeAll(async () => {
  gcs = await startFakeGcs({ buckets: ['state-bkt'] });
});
afterAll(() => gcs.close());

let n = 0;
const backends: [string, () => Promise<LakeStore>][] = [
  ['a local folder', async () => new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-')))],
  ['Cloud Storage', async () => new GcsStore({ storage: fakeGcsClient(gcs.url), bucket: 'state-bkt', prefix: `s${n++}` })],
];

describe.each(backends)('state and raw zone over %s', (_name, open) => {
  it('keeps state documents, and refuses to overwrite a document another writer changed', async () => {
    const store = await open();
    const mine = new StateStore(store);
    const theirs = new StateStore(store);
    expect(await mine.read('cursors', { v: 0 })).toEqual({ v: 0 });
    expect(await theirs.read('cursors', { v: 0 })).toEqual({ v: 0 });
    await mine.write('cursors', { v: 1 });
    await mine.write('cursors', { v: 2 });
    // The other run read "absent": its write would lose ours.
    await expect(theirs.write('cursors', { v: 99 })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await theirs.read('cursors', { v: 0 })).toEqual({ v: 2 });
    await theirs.write('cursors', { v: 3 });
    await expect(mine.write('cursors', { v: 4 })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await new StateStore(store).read('cursors', {})).toEqual({ v: 3 });
  });

  it('names an unreadable document and the fix', async () => {
    const store = await open();
    await store.write('_state/bad.json', '{nope');
    await expect(new StateStore(store).read('bad', {})).rejects.toThrow(/_state\/bad.json is not valid JSON.*fix or delete it/);
  });

  it('validates a document against its schema and names the file, what is wrong and the fix', async () => {
    const store = await open();
    const docs = { version: 1, sources: {} };
    const schema = z.object({ version: z.literal(1), sources: z.record(z.string(), z.unknown()) });
    const recover = 'delete it: the next scrape starts again from `since`';
    await store.write('_state/cursors.json', 'null');
    const err = await new StateStore(store).read('cursors', docs, { schema, recover }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PulseError);
    expect((err as PulseError).exitCode).toBe(2);
    expect((err as Error).message).toContain(store.url('_state/cursors.json'));
    expect((err as Error).message).toMatch(/expected object, received null.*To recover: delete it: the next scrape starts again from `since`/);
    await store.write('_state/cursors.json', '{"version": 1, "sources": []}');
    await expect(new StateStore(store).read('cursors', docs, { schema, recover })).rejects.toThrow(/cursors\.json.*sources: expected record/);
    await store.write('_state/cursors.json', '{"version": 1, "sources": {"mastodon": {}}}');
    expect(await new StateStore(store).read('cursors', docs, { schema, recover })).toEqual({ version: 1, sources: { mastodon: {} } });
  });

  it('lands raw pages once each, in landing order', async () => {
    const store = await open();
    const raw = new RawZone(store, '20261124T000000Z-abc');
    const k1 = await raw.land('mastodon', '2026-11-24T01:00:00.000Z', '{"a":1}');
    const k2 = await raw.land('hackernews', '2026-11-23T01:00:00.000Z', '{"b":2}');
    const files = await rawFilesAfter(store, undefined);
    expect(files.map((f) => f.key)).toEqual([k1, k2]);
    expect(gunzipText(await store.read(k2))).toBe('{"b":2}');
    await expect(store.write(k1, 'again', { ifAbsent: true })).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('finds the pages landed after a watermark without listing the older days', async () => {
    const store = await open();
    const keys: string[] = [];
    // The second run started before midnight and landed pages on two days.
    for (const [runId, days] of [
      ['20261101T000000Z-r1', ['2026-11-01']],
      ['20261110T230000Z-r2', ['2026-11-10', '2026-11-11']],
      ['20261120T000000Z-r3', ['2026-11-20']],
    ] as const) {
      const raw = new RawZone(store, runId);
      for (const day of days) keys.push(await raw.land('mastodon', `${day}T00:00:00.000Z`, '{}'), await raw.land('bluesky', `${day}T00:00:01.000Z`, '{}'));
    }
    const listed: { prefix: string; startAfter?: string }[] = [];
    const spy: LakeStore = Object.assign(Object.create(store) as LakeStore, {
      list: (prefix: string, o?: { startAfter?: string }) => {
        listed.push({ prefix, ...o });
        return store.list(prefix, o);
      },
    });
    const after = (await rawFilesAfter(store, undefined))[1]!.key; // the first run's last page
    const order = after.slice(after.lastIndexOf('/') + 1).replace('.json.gz', '');
    expect((await rawFilesAfter(spy, order)).map((f) => f.key)).toEqual(keys.slice(2));
    expect(listed.every((l) => l.startAfter?.endsWith('dt=2026-10-31'))).toBe(true);
    // Past the second run: its pages of both days are done, the third run's are new.
    const second = keys[5]!.slice(keys[5]!.lastIndexOf('/') + 1).replace('.json.gz', '');
    expect((await rawFilesAfter(spy, second)).map((f) => f.key)).toEqual(keys.slice(6));
    expect(listed.at(-1)!.startAfter).toMatch(/dt=2026-11-09$/);
  });
});
