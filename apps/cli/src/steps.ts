import { createRequire } from 'node:module';
import path from 'node:path';
import { stepDef, type StepName } from '@social-pulse/pipeline';

const require = createRequire(import.meta.url);

/**
 * The entry point of a step's app: its compiled JavaScript when `pulse` runs from a build
 * (bin/pulse.mjs checked that the build is up to date and names it in PULSE_COMPILED_DIR),
 * else its TypeScript main, found through its workspace package (STEP_DEFS names it; forkStep
 * runs it through tsx).
 */
export function stepEntry(step: StepName, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PULSE_COMPILED_DIR) return path.join(env.PULSE_COMPILED_DIR, `${step}.mjs`);
  return path.join(path.dirname(require.resolve(`${stepDef(step).app}/package.json`)), 'src', 'main.ts');
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
