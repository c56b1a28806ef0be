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

  it.runIf(process.platform === 'linux')('is false for a zombie: a process that exited and that its parent never reaps', { timeout: 180_000 }, async () => {
    // sh starts a short `sleep` in the background, then becomes `sleep 120`, which never reaps
    // it: the short one ends after the exec (3 s is far longer than the exec takes, even on a
    // busy machine) and stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 3 & echo $!; exec sleep 120'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString().trim()))));
      // Waits on the process's state, not on time (generous bound for a busy machine).
      for (let i = 0; i < 4_800 && state(pid) !== 'Z'; i++) await sleep(25);
      expect(state(pid)).toBe('Z');
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(pidAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
