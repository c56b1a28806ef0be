import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LAKE } from '@social-pulse/schema';
import { StateError } from './state.ts';
import { LocalStore } from './store/local.ts';
import { LAKE_ZONES, ZoneCursor } from './zone.ts';

const store = async () => new LocalStore(await mkdtemp(path.join(os.tmpdir(), 'lake-zone-')));

describe('LAKE_ZONES', () => {
  it('has a zone for every data folder of the lake layout', () => {
    expect(Object.keys(LAKE_ZONES).sort()).toEqual(Object.keys(LAKE).filter((k) => k !== 'state').sort());
    for (const [name, zone] of Object.entries(LAKE_ZONES)) expect(zone.name).toBe(name);
  });

  it('gives the files after a watermark in the order written, whatever their partition, and the watermark after them', async () => {
    const s = await store();
    const keys = ['nlp/dt=2026-11-21/part-r2-000000.parquet', 'nlp/dt=2026-11-20/part-r3-000000.parquet', 'nlp/dt=2026-11-22/part-r1-000000.parquet'];
    for (const k of [...keys, 'nlp/dt=2026-11-22/notes.txt']) await s.write(k, Buffer.from('x'));
    const zone = LAKE_ZONES.nlp;
    const all = await zone.filesAfter(s, undefined);
    expect(all.map((f) => f.key)).toEqual([keys[2], keys[0], keys[1]]);
    expect(zone.watermark(all)).toBe('part-r3-000000.parquet');
    expect(zone.watermark([])).toBeUndefined();
    expect((await zone.filesAfter(s, 'part-r1-000000.parquet')).map((f) => f.key)).toEqual([keys[0], keys[1]]);
  });

  it('keeps a step watermark in _state, and names the file and the fix for one from the future', async () => {
    const s = await store();
    const schema = z.looseObject({ postsThrough: z.string().optional() });
    const opts = { name: 'zone-test', field: 'postsThrough' as const, schema, recover: 'delete it' };
    const first = await ZoneCursor.open(s, LAKE_ZONES.posts, opts);
    expect(first.after).toBeUndefined();
    await first.check();
    await first.save({ postsThrough: 'part-29991231T000000Z-abc-0.parquet' });
    const again = await ZoneCursor.open(s, LAKE_ZONES.posts, opts);
    expect(again.after).toBe('part-29991231T000000Z-abc-0.parquet');
    const err = await again.check(new Date('2026-11-20T00:00:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/zone-test\.json: postsThrough part-29991231T000000Z-abc-0\.parquet is later than now .* To recover: delete it/);
  });
});
