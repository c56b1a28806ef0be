import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEPS } from '@social-pulse/pipeline';
import { ENTRIES, ROOT } from '../bin/compiled.mjs';
import { stepEntry } from './steps.ts';

describe('the step apps', () => {
  it('are compiled for every step of STEP_DEFS, from the main that pulse runs from the sources', () => {
    const entries: Record<string, string> = ENTRIES;
    for (const step of STEPS) {
      expect(entries[step], step).toBeDefined();
      expect(path.resolve(ROOT, entries[step]!)).toBe(stepEntry(step, {}));
    }
  });

  it('include every worker thread a step starts beside its own file (*-worker.ts in an app), under the same name', () => {
    const entries: Record<string, string> = ENTRIES;
    const workers: string[] = [];
    for (const app of readdirSync(path.join(ROOT, 'apps'))) {
      const src = path.join('apps', app, 'src');
      if (!existsSync(path.join(ROOT, src))) continue;
      for (const f of readdirSync(path.join(ROOT, src)).filter((n) => /-worker\.ts$/.test(n))) workers.push(path.join(src, f));
    }
    expect(workers).toContain('apps/lake-writer/src/normalize-worker.ts');
    for (const w of workers) expect(entries[path.basename(w, '.ts')], w).toBe(w);
  });
});
