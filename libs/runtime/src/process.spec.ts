import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { pidAlive } from './process.ts';

const state = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return 'gone';
  }
};

describe('pidAlive', () => {
  it('is true for a running process and false for one that is gone', async () => {
    expect(pidAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.once('exit', r));
    expect(pidAlive(child.pid!)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('is false for a zombie: a process that exited and that its parent never reaps', async () => {
    // sh starts `true` in the background, then becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString().trim()))));
      // Waits on the process's state, not on time (generous bound for a busy machine).
      for (let i = 0; i < 2_400 && state(pid) !== 'Z'; i++) await sleep(25);
      expect(state(pid)).toBe('Z');
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(pidAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
