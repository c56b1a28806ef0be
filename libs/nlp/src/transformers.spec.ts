import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from './models.ts';
import { loadTransformers } from './transformers.ts';

describe('transformers.js, loaded lazily', () => {
  it('finds its default cache folder without loading it, the same one it uses once loaded', async () => {
    const before = defaultCacheDir();
    const { env } = await loadTransformers();
    expect(before).toBe(env.cacheDir);
    expect(defaultCacheDir()).toBe(env.cacheDir);
  });
});
