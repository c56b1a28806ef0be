import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCommit } from '../commit.ts';

// A throwaway checkout: one tracked file, one commit, and a clone of it as `origin` when asked.
function checkout(): { dir: string; head: string; git: (...args: string[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-pin-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  writeFileSync(join(dir, 'Pulumi.dev.yaml'), 'config: {}\n');
  git('add', 'a.txt', 'Pulumi.dev.yaml');
  git('commit', '--quiet', '-m', 'one');
  return { dir, head: git('rev-parse', 'HEAD'), git };
}

describe('resolveCommit', () => {
  it('pins HEAD of a clean checkout, warning when no remote branch has it', () => {
    const { dir, head } = checkout();
    expect(resolveCommit(undefined, dir)).toEqual({ commit: head, warning: `commit ${head} is on no remote branch of this checkout: push it to repoUrl, or the VM cannot install it` });
  });

  it('does not warn once a remote branch holds the commit', () => {
    const { dir, head, git } = checkout();
    const remote = mkdtempSync(join(tmpdir(), 'pulse-pin-remote-'));
    execFileSync('git', ['init', '--quiet', '--bare', remote]);
    git('remote', 'add', 'origin', remote);
    git('push', '--quiet', 'origin', 'main');
    expect(resolveCommit('', dir)).toEqual({ commit: head });
  });

  it('refuses a checkout whose tracked files have uncommitted changes, naming them', () => {
    const { dir } = checkout();
    writeFileSync(join(dir, 'a.txt'), 'two\n');
    expect(() => resolveCommit(undefined, dir)).toThrow(/uncommitted changes, which the VM would not run[\s\S]*a\.txt[\s\S]*commit and push them/);
  });

  it('ignores untracked files and the stack config that `pulumi config set` edits', () => {
    const { dir, head } = checkout();
    writeFileSync(join(dir, 'notes.txt'), 'scratch\n');
    writeFileSync(join(dir, 'Pulumi.dev.yaml'), 'config: {social-pulse:schedule: daily}\n');
    expect(resolveCommit(undefined, dir).commit).toBe(head);
  });

  it('takes a configured full commit id as is, and refuses anything else', () => {
    const id = 'fedcba9876543210fedcba9876543210fedcba98';
    expect(resolveCommit(id, '/nonexistent')).toEqual({ commit: id });
    expect(() => resolveCommit('main', '/nonexistent')).toThrow(/expected a full 40-character commit id/);
  });

  it('says what to do outside a git checkout', () => {
    expect(() => resolveCommit(undefined, mkdtempSync(join(tmpdir(), 'pulse-nogit-')))).toThrow(/is not a git checkout with a commit.*set social-pulse:commit/);
  });
});
