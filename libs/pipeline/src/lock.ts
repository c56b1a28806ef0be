import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LakeLocation } from '@social-pulse/config';
import { PulseError } from '@social-pulse/runtime';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** The step process running now: it holds the lake too, and may outlive a killed parent for a moment. */
  child?: number;
}

/** A held run lock. */
export interface RunLock {
  /** Record the step process that works for this run, so that the lock stays held while it lives. */
  setChild(pid: number | undefined): Promise<void>;
  release(): Promise<void>;
}

/**
 * Where the run lock of a lake lives: beside a local lake, or for a bucket in `PULSE_LOCK_DIR`
 * (a folder every `pulse` of the machine sees, e.g. /run/social-pulse on the VM, where systemd
 * gives each service a private /tmp), else the temp dir.
 */
export function lockPath(lake: LakeLocation, env: NodeJS.ProcessEnv = process.env): string {
  if (lake.kind === 'local') return path.join(lake.root, '_state', 'run.lock');
  const id = createHash('sha256').update(`gs://${lake.bucket}/${lake.prefix}`).digest('hex').slice(0, 16);
  return path.join(env.PULSE_LOCK_DIR?.trim() || os.tmpdir(), `social-pulse-${id}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One `pulse run` at a time per lake: the lock file is created exclusively; a lock left by a
 * process that no longer exists on this host (nor its step process) is stale and taken over.
 */
export async function acquireRunLock(file: string): Promise<RunLock> {
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx');
      const info: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      return {
        async setChild(pid) {
          // Replace the content atomically: a reader never sees half a lock.
          const tmp = `${file}.${process.pid}.tmp`;
          await writeFile(tmp, JSON.stringify({ ...info, ...(pid ? { child: pid } : {}) }));
          await rename(tmp, file);
        },
        async release() {
          await rm(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let held: LockInfo | undefined;
      try {
        held = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
      } catch {
        held = undefined; // unreadable: a writer died mid-write; treat as stale
      }
      if (held && (held.host !== os.hostname() || alive(held.pid) || (held.child !== undefined && alive(held.child)))) {
        throw new PulseError(
          `another pulse run is in progress (pid ${held.pid} on ${held.host}, since ${held.started}); ` +
            `wait for it to finish, or delete ${file} if that process is gone`,
          2,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new PulseError(`could not take the run lock ${file}`, 2);
}

/** The lock as a release function (for callers that run no steps of their own). */
export async function acquireLock(file: string): Promise<() => Promise<void>> {
  const lock = await acquireRunLock(file);
  return () => lock.release();
}
