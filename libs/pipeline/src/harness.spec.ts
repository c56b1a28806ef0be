import { fork } from 'node:child_process';
import { access, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/slow-start-step.ts', import.meta.url));

describe('stepMain', () => {
  it('stops at once, without working, when its parent went away while it was still starting', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-orphan-'));
    const config = path.join(dir, 'pulse.config.yaml');
    await writeFile(config, 'lake: ./lake\nwarehouse: duckdb:./w.duckdb\nsources: []\n');
    const ran = path.join(dir, 'ran');
    const child = fork(FIXTURE, ['--config', config, '--ran', ran], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // What `pulse run` dying looks like from the step: the IPC channel closes.
    child.disconnect();
    expect(await exited).toBe(137);
    expect(await access(ran).then(() => 'ran', () => 'did not run')).toBe('did not run');
  });
});
