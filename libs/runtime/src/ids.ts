import { randomBytes } from 'node:crypto';

/**
 * A run id that sorts by time: `20261124T091058Z-3fa2c1`. Lake files are named from it, so
 * "every file newer than X" is a string comparison.
 */
export function newRunId(now: Date = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${ts}-${randomBytes(3).toString('hex')}`;
}
