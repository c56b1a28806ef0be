import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pidAlive } from '@social-pulse/runtime';

/**
 * Writers first, on a DuckDB file shared between processes.
 *
 * DuckDB lets one process open a file read-write *or* any number open it read-only, and a
 * process that cannot have the file fails at once; it does not queue. A reader that opens
 * the file again as soon as it closed it (a dashboard polled without pause) therefore keeps
 * every writer out for good: issue 18 saw a run's history writes wait 30 s each and then
 * be dropped. So a writer announces itself before it tries, with a file of its own in
 * `<warehouse>.writers/`, and keeps it until it has closed the file; readers open nothing
 * while a live writer is announced. A writer then waits at most for the reads already under
 * way (one dashboard request), however many readers there are.
 *
 * A marker whose process is gone (SIGKILL) is ignored and removed. A marker whose pid was
 * reused by another process delays a reader by `yieldMs` at most, and never a writer.
 */

const dirOf = (file: string) => `${file}.writers`;
let seq = 0;

/** Announces a writer of `file`; the returned function withdraws the announcement. */
export async function announceWriter(file: string): Promise<() => Promise<void>> {
  const dir = dirOf(file);
  await mkdir(dir, { recursive: true });
  const marker = path.join(dir, `${process.pid}-${++seq}`);
  await writeFile(marker, `${JSON.stringify({ pid: process.pid, since: new Date().toISOString(), argv: process.argv.slice(1, 3) })}\n`);
  return () => rm(marker, { force: true });
}

/** The pids of the live writers announced for `file` (markers of dead ones are removed). */
export async function announcedWriters(file: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dirOf(file));
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) pids.push(pid);
    else await rm(path.join(dirOf(file), name), { force: true });
  }
  return pids;
}
