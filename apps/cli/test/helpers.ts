import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildTinyModels } from '@social-pulse/nlp/testing';

const PULSE = fileURLToPath(new URL('../bin/pulse.mjs', import.meta.url));

export interface PulseResult {
  code: number;
  stdout: string;
  stderr: string;
}

let tinyModels: Promise<string> | undefined;

/**
 * The longest one `pulse` command may take in a test before the helper stops it. Generous on
 * purpose: the machines that run these tests are shared, and on two busy cores one plain
 * `pulse run` of the crash test took more than the 120 s this used to be (issue 19).
 * `PULSE_E2E_LIMIT_MS` changes it.
 */
const LIMIT_MS = Number(process.env.PULSE_E2E_LIMIT_MS) || 900_000;

/**
 * A folder of tiny NLP models stored under the default models' ids (built once per test
 * file): no model hub is reachable in tests, so `pulse run` enriches with these, through the
 * same loading code as real models, from PULSE_MODELS_DIR.
 */
export function tinyModelsDir(): Promise<string> {
  tinyModels ??= mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-models-')).then(async (dir) => (await buildTinyModels(dir, { asDefaults: true })).dir);
  return tinyModels;
}

/**
 * Runs the real `pulse` command in a child process, as a user would, with PULSE_MODELS_DIR
 * set to the tiny models unless `env` sets it (to '' for none).
 */
export async function pulse(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PulseResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [PULSE, ...args], {
      env: { ...process.env, PULSE_LOG_LEVEL: 'warn', PULSE_MODELS_DIR: await tinyModelsDir(), ...env },
      timeout: LIMIT_MS,
      maxBuffer: 20 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | null; killed?: boolean; signal?: string | null; stdout?: string; stderr?: string };
    // Say why it ended, so that a test failing on it does not read as a silent exit 1.
    const why = err.signal ? `\n[test helper] pulse ${args[0]} ended by ${err.signal}${err.killed ? `, sent by the helper at its limit of ${LIMIT_MS / 1000} s` : ''}\n` : '';
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: (err.stderr ?? '') + why };
  }
}

/** A fresh folder with a pulse.config.yaml holding `yaml`. */
export async function workspace(yaml: string): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-'));
  const config = path.join(dir, 'pulse.config.yaml');
  await writeFile(config, yaml);
  return { dir, config };
}
