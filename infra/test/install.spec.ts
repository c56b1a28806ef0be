import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installScript } from '../startup-script.ts';
import { VM } from '../vm-layout.ts';
import type { VmLayout } from '../vm-layout.ts';

// The install script run for real against a local repository, with the VM's paths moved into a
// temporary folder and stand-ins for what needs root or the network: runuser (runs the command
// as is), install (mkdir, ignoring owner and mode), chown (nothing), and npm (writes node_modules/.bin/pulse, or
// fails halfway when NPM_FAIL is set, leaving a partial node_modules behind).
let root: string;
let repo: string;
let commits: { one: string; two: string };
let layout: VmLayout;
let bin: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pulse-install-'));
  repo = join(root, 'repo');
  mkdirSync(repo);
  git('init', '--quiet', '--initial-branch=main');
  writeFileSync(join(repo, 'version.txt'), 'one\n');
  git('add', 'version.txt');
  git('commit', '--quiet', '-m', 'one');
  const one = git('rev-parse', 'HEAD');
  writeFileSync(join(repo, 'version.txt'), 'two\n');
  git('commit', '--quiet', '-am', 'two');
  commits = { one, two: git('rev-parse', 'HEAD') };
  // The branch moves on after the pin: the install must not follow it.
  writeFileSync(join(repo, 'version.txt'), 'three\n');
  git('commit', '--quiet', '-am', 'three');

  const at = (p: string) => join(root, 'vm', p);
  layout = Object.fromEntries(Object.entries(VM).map(([k, v]) => [k, v.startsWith('/') ? at(v) : v])) as VmLayout;
  bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'runuser'), '#!/bin/bash\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n', { mode: 0o755 });
  writeFileSync(join(bin, 'chown'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
  writeFileSync(
    join(bin, 'install'),
    '#!/bin/bash\ndirs=()\nwhile [ $# -gt 0 ]; do case "$1" in -d) ;; -o|-g|-m) shift ;; *) dirs+=("$1") ;; esac; shift; done\nmkdir -p "${dirs[@]}"\n',
    { mode: 0o755 },
  );
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/bash
mkdir -p node_modules/.bin node_modules/dep
echo partial > node_modules/dep/index.js
[ -n "\${NPM_FAIL:-}" ] && exit 1
printf '#!/bin/bash\\necho "pulse $*" >> ${join(root, 'pulse.log')}\\n' > node_modules/.bin/pulse
chmod +x node_modules/.bin/pulse
`,
    { mode: 0o755 },
  );
});

function install(commit: string, env: Record<string, string> = {}) {
  const script = installScript({ repoUrl: `file://${repo}`, commit, gpu: undefined }, layout);
  return spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: root, GIT_CONFIG_NOSYSTEM: '1', ...env },
  });
}

const current = () => readFileSync(join(layout.current, 'version.txt'), 'utf8');

describe('installScript', () => {
  it('installs exactly the pinned commit, not what the branch holds now, and points current at it', () => {
    const result = install(commits.one);
    expect(result.status, result.stderr).toBe(0);
    expect(current()).toBe('one\n');
    expect(readlinkSync(layout.current)).toBe(`releases/${commits.one}`);
    expect(readFileSync(join(layout.current, '.social-pulse-commit'), 'utf8')).toBe(`${commits.one}\n`);
    expect(existsSync(join(layout.current, 'node_modules/.bin/pulse'))).toBe(true);
    // No working copy of the repository on the VM: no .git to pull into.
    expect(existsSync(join(layout.current, '.git'))).toBe(false);
  });

  it('switches to another pin, keeping the release a running process may still read', () => {
    expect(install(commits.two).status).toBe(0);
    expect(current()).toBe('two\n');
    expect(readFileSync(join(layout.releasesDir, commits.one, 'version.txt'), 'utf8')).toBe('one\n');
  });

  it('leaves current alone when npm ci fails halfway: the partial node_modules is never reachable', () => {
    // An installed release is not installed again (npm would fail here): the switch is all.
    expect(install(commits.one, { NPM_FAIL: '1' }).status).toBe(0);
    expect(current()).toBe('one\n');

    writeFileSync(join(repo, 'version.txt'), 'four\n');
    git('commit', '--quiet', '-am', 'four');
    const four = git('rev-parse', 'HEAD');
    const broken = install(four, { NPM_FAIL: '1' });
    expect(broken.status).not.toBe(0);
    expect(current()).toBe('one\n');
    expect(readdirSync(layout.releasesDir)).not.toContain(four);
  });

  it('says to push a commit the repository does not have, and changes nothing', () => {
    const before = readlinkSync(layout.current);
    const result = install('0'.repeat(40));
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(`commit ${'0'.repeat(40)} is not in file://${repo}: push it`);
    expect(readlinkSync(layout.current)).toBe(before);
  });

  it('pulls the NLP models into the cache dir as the service user, with the installed pulse', () => {
    expect(readFileSync(join(root, 'pulse.log'), 'utf8')).toContain(`pulse models pull --config ${layout.config}`);
  });

  it('keeps the release current points to and the 3 used before it; older ones and half-made ones go', () => {
    const commit = (text: string) => {
      writeFileSync(join(repo, 'version.txt'), `${text}\n`);
      git('commit', '--quiet', '-am', text);
      return git('rev-parse', 'HEAD');
    };
    const releases = () => readdirSync(layout.releasesDir).sort();
    const [five, six, seven, eight] = ['five', 'six', 'seven', 'eight'].map(commit) as [string, string, string, string];
    // Before: one (current, switched back to after two), two, and four.new left by the failed npm ci.
    expect(releases().filter((n) => n.endsWith('.new'))).toHaveLength(1);
    for (const c of [five, six, seven]) expect(install(c).status).toBe(0);
    expect(releases()).toEqual([commits.one, five, six, seven].sort());

    // A rollback is a use: switching back to five keeps it among the recent ones.
    expect(install(five).status).toBe(0);
    expect(releases()).toEqual([commits.one, five, six, seven].sort());
    expect(install(eight).status).toBe(0);
    expect(current()).toBe('eight\n');
    expect(releases()).toEqual([five, six, seven, eight].sort());
  });

  it('never removes the release current points to, even when the others look newer (a clock set back)', () => {
    const target = readlinkSync(layout.current).replace('releases/', '');
    const future = new Date('2100-01-01T00:00:00Z');
    for (const name of readdirSync(layout.releasesDir)) if (name !== target) utimesSync(join(layout.releasesDir, name), future, future);
    const before = readdirSync(layout.releasesDir).filter((n) => n !== target);
    expect(before).toHaveLength(3);
    // Re-pinning the same commit: the switch and the pruning run again.
    expect(install(target).status).toBe(0);
    expect(readlinkSync(layout.current)).toBe(`releases/${target}`);
    expect(readdirSync(layout.releasesDir).sort()).toEqual([target, ...before].sort());
  });
});
