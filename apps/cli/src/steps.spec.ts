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
});
