import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The checkout this program runs from: the repository root, one level above infra/. */
export const CHECKOUT = fileURLToPath(new URL('..', import.meta.url));

const FULL_ID = /^[0-9a-f]{40}$/;

/** What {@link resolveCommit} found: the commit to pin, and a warning worth showing. */
export interface PinnedCommit {
  commit: string;
  warning?: string;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * The commit the VM installs. Config `commit` wins (a full id: a deploy from CI, or a rollback);
 * otherwise HEAD of the checkout `pulumi up` runs from, so what you previewed and tested is what
 * runs. A checkout whose tracked files have uncommitted changes is refused rather than warned
 * about: the VM fetches the commit from `repoUrl`, so those changes would never run, yet the
 * preview would suggest they do. Untracked files and the stack files (Pulumi.<stack>.yaml, which
 * `pulumi config set` edits) do not count. A commit no remote branch contains is only a warning
 * (the remote-tracking refs may be stale); if it really is not pushed, the VM's install says so.
 */
export function resolveCommit(configured: string | undefined, dir: string = CHECKOUT): PinnedCommit {
  if (configured !== undefined && configured !== '') {
    if (!FULL_ID.test(configured)) throw new Error(`Invalid config social-pulse:commit = ${JSON.stringify(configured)}: expected a full 40-character commit id, or empty for the checkout's HEAD`);
    return { commit: configured };
  }
  let commit: string;
  try {
    commit = git(dir, ['rev-parse', '--verify', 'HEAD^{commit}']);
  } catch (e) {
    throw new Error(`cannot pin the code to run: ${dir} is not a git checkout with a commit (${(e as Error).message.split('\n')[0]}); run pulumi from a clone of the repository, or set social-pulse:commit`);
  }
  const dirty = git(dir, ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)Pulumi.*.yaml']);
  if (dirty !== '') {
    throw new Error(
      `the checkout has uncommitted changes, which the VM would not run (it installs commit ${commit} from repoUrl):\n${dirty}\n` +
        'commit and push them (or stash them) and run pulumi again',
    );
  }
  const onRemote = git(dir, ['branch', '--remotes', '--contains', commit]);
  return onRemote === ''
    ? { commit, warning: `commit ${commit} is on no remote branch of this checkout: push it to repoUrl, or the VM cannot install it` }
    : { commit };
}
