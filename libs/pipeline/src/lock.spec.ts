import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LakeLocation } from '@social-pulse/config';
import { lockPath } from './lock.ts';

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
