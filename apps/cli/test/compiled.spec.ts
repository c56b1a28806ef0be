import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCompiled, staleness } from '../bin/compiled.mjs';

/**
 * The guard against a stale build: `pulse` runs compiled JavaScript, and an edit of any
 * source it was built from must give a new build before the next run, never the old code.
 * Shown on a small project of its own (the repository's sources are not edited by tests).
 */
describe('the compiled build of pulse', () => {
  let root: string;
  const entries = { cli: 'src/main.ts' };
  const opts = () => ({ root, entries });
  const hourAgo = new Date(Date.now() - 3600_000);
  // Files dated in the past: a file changed while a build runs is hashed again by design.
  const put = async (rel: string, text: string, mtime = hourAgo) => {
    await writeFile(path.join(root, rel), text);
    await utimes(path.join(root, rel), mtime, mtime);
  };
  const answer = async (dir: string) => ((await import(pathToFileURL(path.join(dir, 'cli.mjs')).href)) as { answer: number }).answer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pulse-compiled-'));
    await mkdir(path.join(root, 'src'));
    await put('src/main.ts', "import { v } from './value.ts';\nexport const answer: number = v;\n");
    await put('src/value.ts', 'export const v = 1;\n');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('is built when missing, and used as is while its sources are unchanged', async () => {
    expect(await staleness(opts())).toBe('no compiled build yet');
    const first = await ensureCompiled(opts());
    expect(first.built).toBe('no compiled build yet');
    expect(await answer(first.dir!)).toBe(1);
    expect(await staleness(opts())).toBeUndefined();
    // Touched, not changed (a checkout, a save without edits): hashed, still up to date.
    const later = new Date(Date.now() - 1800_000);
    await utimes(path.join(root, 'src/value.ts'), later, later);
    expect(await staleness(opts())).toBeUndefined();
    const again = await ensureCompiled(opts());
    expect(again.built).toBeUndefined();
    expect(again.dir).toBe(first.dir);
  });

  it('is built again after an edit of an imported file, even one of the same size, and runs the new code', async () => {
    await put('src/value.ts', 'export const v = 2;\n', new Date(Date.now() - 1200_000));
    expect(await staleness(opts())).toBe('src/value.ts changed');
    const rebuilt = await ensureCompiled(opts());
    expect(rebuilt.built).toBe('src/value.ts changed');
    expect(await answer(rebuilt.dir!)).toBe(2);
    expect(await staleness(opts())).toBeUndefined();
  });

  it('says why when no build can be made, so that the caller runs the sources instead', async () => {
    await put('src/value.ts', 'export const v = ;\n', new Date(Date.now() - 600_000));
    const r = await ensureCompiled(opts());
    expect(r.dir).toBeUndefined();
    expect(r.error).toMatch(/^src\/value\.ts changed, and building failed: /);
    // The old build is not used either: it is still stale.
    expect(await staleness(opts())).toBe('src/value.ts changed');
  });
});
