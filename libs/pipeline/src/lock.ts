import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LakeLocation } from '@social-pulse/config';
import { PulseError, pidAlive } from '@social-pulse/runtime';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** This holding of the lock: release removes the lock only while it is still this one. */
  id?: string;
  /** When `pid` started (see processStart): a pid that the system gave to another process since does not match. */
  pidStart?: string;
  /** The step process running now: it holds the lake too, and may outlive a killed parent for a moment. */
  child?: number;
  childStart?: string;
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

let bootId: string | undefined;

/**
 * When a process started, as `<boot id>:<clock ticks since boot>` (Linux: field 22 of
 * /proc/<pid>/stat), or undefined where that cannot be read. Pids are reused: a lock whose pid
 * now belongs to another process (or to one after a reboot) must not look held for ever.
 */
export function processStart(pid: number): string | undefined {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    return ticks && /^\d+$/.test(ticks) ? `${bootId}:${ticks}` : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number, start: string | undefined): boolean {
  if (!pidAlive(pid)) return false;
  // Recorded and readable now: the same pid with another start time is another process.
  const now = start === undefined ? undefined : processStart(pid);
  return now === undefined || now === start;
}

/** Whether the processes of a lock (or of a takeover claim) are gone; one of another host cannot be told. */
function stale(info: LockInfo | undefined): boolean {
  if (!info) return true; // unreadable: not written by this version, which only shows complete files
  if (info.host !== os.hostname()) return false;
  return !alive(info.pid, info.pidStart) && !(info.child !== undefined && alive(info.child, info.childStart));
}

/** One version of a file: the inode and its modification time, and the lock id it holds. */
interface Seen {
  ino: bigint;
  mtimeNs: bigint;
  info: LockInfo | undefined;
}

async function look(file: string): Promise<Seen | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    // Through one handle: the content and the identity are those of the same version.
    const st = await fh.stat({ bigint: true });
    let info: LockInfo | undefined;
    try {
      info = JSON.parse(await fh.readFile('utf8')) as LockInfo;
    } catch {
      info = undefined;
    }
    return { ino: st.ino, mtimeNs: st.mtimeNs, info };
  } finally {
    await fh.close();
  }
}

const same = (a: Seen, b: Seen | undefined) => !!b && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.info?.id === b.info?.id;

const tmpName = (file: string) => `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;

/** Creates `file` holding `content` unless it exists; a reader never sees it half written. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = tmpName(file);
  await writeFile(tmp, content);
  try {
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Replaces `file` by a complete new version in one step. */
async function replace(file: string, content: string): Promise<void> {
  const tmp = tmpName(file);
  try {
    await writeFile(tmp, content);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Replaces `file`, found stale as `seen`, by `content`; false when another process got there
 * first. Reading, removing and creating is not atomic: several processes that found the same
 * stale lock would each remove the lock the one before them had just taken. So the right to
 * replace one version is a claim file named after it, created exclusively: one process gets
 * it, and only while the file is still that version does it rename its own over it. A claim
 * left by a process killed in between is stale in the same way, and is taken over the same way.
 */
async function replaceStale(file: string, seen: Seen, content: string, depth = 0): Promise<boolean> {
  if (depth > 3) return false;
  const claim = `${file}.takeover-${seen.ino}-${seen.mtimeNs}`;
  if (!(await createExclusive(claim, content))) {
    const other = await look(claim);
    // A live process is taking this version over; or the claim is gone, and the version with it.
    if (!other || !stale(other.info)) return false;
    if (!(await replaceStale(claim, other, content, depth + 1))) return false;
  }
  try {
    if (!same(seen, await look(file))) return false;
    await replace(file, content);
    return true;
  } finally {
    await rm(claim, { force: true });
  }
}

function inProgress(file: string, held: LockInfo): PulseError {
  return new PulseError(
    `another pulse run is in progress (pid ${held.pid} on ${held.host}, since ${held.started}); ` +
      `wait for it to finish, or delete ${file} if that process is gone`,
    2,
  );
}

/**
 * One `pulse run` at a time per lake: the lock file is created exclusively, complete. A lock
 * left by processes that no longer exist on this host (its run and its step process, each
 * compared by pid and start time) is stale and taken over, by one process only however many
 * try at once (see replaceStale).
 */
export async function acquireRunLock(file: string): Promise<RunLock> {
  await mkdir(path.dirname(file), { recursive: true });
  const info: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), id: randomBytes(8).toString('hex') };
  const start = processStart(process.pid);
  if (start) info.pidStart = start;
  const content = JSON.stringify(info);
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await createExclusive(file, content)) return holding(file, info);
    const held = await look(file);
    if (!held) continue; // released meanwhile
    if (!stale(held.info)) throw inProgress(file, held.info!);
    if (await replaceStale(file, held, content)) return holding(file, info);
    // Another process took it over meanwhile: the next look finds it alive.
  }
  const now = await look(file);
  if (now?.info && !stale(now.info)) throw inProgress(file, now.info);
  throw new PulseError(`could not take the run lock ${file}: another process is taking it over; try again`, 2);
}

function holding(file: string, info: LockInfo): RunLock {
  return {
    async setChild(pid) {
      const start = pid ? processStart(pid) : undefined;
      // Replaced in one step: a reader never sees half a lock.
      await replace(file, JSON.stringify({ ...info, ...(pid ? { child: pid, ...(start ? { childStart: start } : {}) } : {}) }));
    },
    async release() {
      // Only our own: a lock someone deleted and another run took since is theirs.
      if ((await look(file))?.info?.id === info.id) await rm(file, { force: true });
    },
  };
}

/** The lock as a release function (for callers that run no steps of their own). */
export async function acquireLock(file: string): Promise<() => Promise<void>> {
  const lock = await acquireRunLock(file);
  return () => lock.release();
}
