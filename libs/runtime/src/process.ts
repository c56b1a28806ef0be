import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid exists on this machine and has not finished exiting (EPERM:
 * it exists, under another user). A zombie has exited and holds no file and no lock; it only
 * waits for its parent to reap it, and an orphan's zombie waits for ever under an init that does
 * not reap (a container's first process, often): a lock or marker held by one is stale.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/** Linux's /proc says a process's state (field 3, after the command name in parentheses). */
function zombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    // Gone between the two looks, or no /proc: the signal's answer stands.
    return false;
  }
}
