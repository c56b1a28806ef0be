import { createRequire } from 'node:module';
import path from 'node:path';
import type { StepName } from '@social-pulse/pipeline';

const require = createRequire(import.meta.url);

/** The app that runs each step: each is its own process (see forkStep). */
const APPS: Record<StepName, string> = {
  scrape: '@social-pulse/scraper',
  'lake-write': '@social-pulse/lake-writer',
  enrich: '@social-pulse/nlp-enricher',
  load: '@social-pulse/warehouse-loader',
};

/**
 * The entry point of a step's app: its compiled JavaScript when `pulse` runs from a build
 * (bin/pulse.mjs checked that the build is up to date and names it in PULSE_COMPILED_DIR),
 * else its TypeScript main, found through its workspace package (forkStep runs it through tsx).
 */
export function stepEntry(step: StepName, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PULSE_COMPILED_DIR) return path.join(env.PULSE_COMPILED_DIR, `${step}.mjs`);
  return path.join(path.dirname(require.resolve(`${APPS[step]}/package.json`)), 'src', 'main.ts');
}

/** Whether the step's app has an entry point in this build. */
export async function stepAvailable(step: StepName): Promise<boolean> {
  try {
    const { access } = await import('node:fs/promises');
    await access(stepEntry(step));
    return true;
  } catch {
    return false;
  }
}
