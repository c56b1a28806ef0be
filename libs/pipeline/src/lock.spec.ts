import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeLocation } from '@social-pulse/config';
import { acquireRunLock, lockPath, processStart } from './lock.ts';

const CONTENDERS = 4;
const ROUNDS = 16;

let dir: string;
let contenders: ChildProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-lock-'));
});
afterAll(async () => {
  for (const c of contenders) if (c.connected) c.send({ type: 'exit' });
  await Promise.all(contenders.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
  await rm(dir, { recursive: true, force: true });
});

/** The next message of a given type from a child (messages are queued, so none is missed). */
function inbox(child: ChildProcess) {
  const queue: { type: string; held?: boolean; error?: string }[] = [];
  const waiting: ((m: (typeof queue)[number]) => void)[] = [];
  child.on('message', (m: (typeof queue)[number]) => (waiting.length ? waiting.shift()!(m) : queue.push(m)));
  return () => new Promise<(typeof queue)[number]>((resolve) => (queue.length ? resolve(queue.shift()!) : waiting.push(resolve)));
}

/** A pid that no process has now: one that has just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('run lock', () => {
  it(`lets exactly one of ${CONTENDERS} processes take over a stale lock at the same instant, in each of ${ROUNDS} rounds`, { timeout: 240_000 }, async () => {
    const file = path.join(dir, 'race', 'run.lock');
    contenders = Array.from({ length: CONTENDERS }, () =>
      fork(path.join(import.meta.dirname, 'testing', 'lock-contender.ts'), [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const next = contenders.map(inbox);
    await Promise.all(next.map(async (n) => expect((await n()).type).toBe('ready')));
    const dead = deadPid();
    const holders: number[] = [];
    const refusals: string[] = [];
    const leftovers: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await rm(path.dirname(file), { recursive: true, force: true });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify({ pid: dead, host: os.hostname(), started: '2026-11-24T00:00:00.000Z' }));
      // Every contender is told at once; a holder keeps the lock until all have answered.
      for (const c of contenders) c.send({ type: 'try', file });
      const outcomes = await Promise.all(next.map((n) => n()));
      const won = outcomes.filter((o) => o.held).length;
      holders.push(won);
      refusals.push(...outcomes.filter((x) => !x.held).map((o) => o.error ?? ''));
      await Promise.all(contenders.map(async (c, i) => (outcomes[i]!.held ? (c.send({ type: 'release' }), expect((await next[i]!()).type).toBe('released')) : undefined)));
      // Nothing may be left behind: no lock, no takeover claim, no temporary file.
      leftovers.push(...(await readdir(path.dirname(file))));
    }
    expect(holders).toEqual(Array.from({ length: ROUNDS }, () => 1));
    for (const e of refusals) expect(e).toMatch(/another pulse run is in progress|another process is taking it over/);
    expect(leftovers).toEqual([]);
  });

  it('takes over a lock whose pid now belongs to an unrelated process (compared by process start time)', async () => {
    const file = path.join(dir, 'reused', 'run.lock');
    const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await once(unrelated, 'spawn');
      const start = processStart(unrelated.pid!);
      expect(start).toMatch(/^\S+:\d+$/);
      await mkdir(path.dirname(file), { recursive: true });
      // What a run that died left, once its pid was given to another process: the start time differs.
      await writeFile(file, JSON.stringify({ pid: unrelated.pid, pidStart: `${start!.split(':')[0]}:1`, host: os.hostname(), started: '2026-11-24T00:00:00.000Z' }));
      const lock = await acquireRunLock(file);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, pidStart: processStart(process.pid) });
      await lock.release();
      // The same pid with its real start time is a live run: refused.
      await writeFile(file, JSON.stringify({ pid: unrelated.pid, pidStart: start, host: os.hostname(), started: '2026-11-24T00:00:00.000Z' }));
      await expect(acquireRunLock(file)).rejects.toThrow(new RegExp(`another pulse run is in progress \\(pid ${unrelated.pid} `));
    } finally {
      unrelated.kill();
    }
  });
  it('takes over a takeover that a killed process left half done', async () => {
    const file = path.join(dir, 'claimed', 'run.lock');
    await mkdir(path.dirname(file), { recursive: true });
    const dead = deadPid();
    await writeFile(file, JSON.stringify({ pid: dead, host: os.hostname(), started: '2026-11-24T00:00:00.000Z' }));
    const st = await stat(file, { bigint: true });
    // The claim of a process killed after it claimed this stale lock and before it replaced it.
    await writeFile(`${file}.takeover-${st.ino}-${st.mtimeNs}`, JSON.stringify({ pid: dead, host: os.hostname(), started: '2026-11-24T00:00:01.000Z' }));
    const lock = await acquireRunLock(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });
});

const BUCKET: LakeLocation = { kind: 'gcs', bucket: 'b', prefix: 'lake' };

describe('lockPath', () => {
  it('puts the lock of a bucket lake in PULSE_LOCK_DIR, where every pulse of the machine sees it', () => {
    expect(path.dirname(lockPath(BUCKET, { PULSE_LOCK_DIR: '/run/social-pulse' }))).toBe('/run/social-pulse');
  });

  it('falls back to the temp dir without PULSE_LOCK_DIR, and keeps a local lake lock beside the lake', () => {
    expect(path.dirname(lockPath(BUCKET, {}))).toBe(os.tmpdir());
    expect(lockPath({ kind: 'local', root: '/data/lake' }, { PULSE_LOCK_DIR: '/run/social-pulse' })).toBe('/data/lake/_state/run.lock');
  });
});
