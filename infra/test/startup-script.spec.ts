import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretsScript } from '../load-secrets.ts';
import { shq } from '../shell.ts';
import { gpuModuleCheck, installScript, startupScript, writeFileCommand } from '../startup-script.ts';
import type { StartupScriptInput } from '../startup-script.ts';

const INPUT: StartupScriptInput = {
  project: 'my-project',
  repoUrl: 'https://github.com/example/social-pulse.git',
  commit: '0123456789abcdef0123456789abcdef01234567',
  pulseConfig: 'lake: "gs://b/lake"\nsources:\n  - type: "hackernews"\n    queries: ["it\'s $(reboot) `data`"]\n',
  schedule: '*:0/30',
  gpu: undefined,
  secrets: [{ env: 'X_BEARER_TOKEN', secretId: 'social-pulse-dev-x-bearer-token' }],
  env: { GOOGLE_CLOUD_PROJECT: 'my-project', BLUESKY_HANDLE: 'alice.bsky.social' },
};

function bash(args: string[], input?: string, env: Record<string, string> = {}) {
  // A bare environment: no rc files, nothing of the developer's shell.
  return spawnSync('bash', ['--norc', '--noprofile', ...args], { input, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), ...env } });
}

describe('shq', () => {
  it.each(["plain", "it's", "$(reboot)", "`id`", '"; rm -rf / #', "a\nb", "'", ''])('keeps %j one literal word', (value) => {
    expect(bash(['-c', `printf '%s' ${shq(value)}`]).stdout).toBe(value);
  });
});

describe('startupScript', () => {
  it('is valid bash, with and without a GPU', () => {
    expect(bash(['-n'], startupScript(INPUT)).status).toBe(0);
    expect(bash(['-n'], startupScript({ ...INPUT, gpu: 'nvidia-l4' })).status).toBe(0);
    expect(bash(['-n'], installScript(INPUT)).status).toBe(0);
    expect(bash(['-n'], installScript({ ...INPUT, gpu: 'nvidia-l4' })).status).toBe(0);
    expect(bash(['-n'], loadSecretsScript(INPUT.project, INPUT.secrets)).status).toBe(0);
  });

  it('installs Node 24 LTS, git, and the pinned commit of the repository with npm ci', () => {
    const script = startupScript(INPUT);
    expect(script).toContain('https://deb.nodesource.com/node_24.x');
    expect(script).toContain("grep -q '^v24\\.'");
    expect(script).not.toContain('node_20');
    expect(script).toContain('apt_get install ca-certificates curl git gnupg');
    const install = installScript(INPUT);
    expect(install).toContain(`REPO_URL=${shq(INPUT.repoUrl)}`);
    expect(install).toContain(`COMMIT=${shq(INPUT.commit)}`);
    expect(install).toContain('archive --format=tar "$COMMIT"');
    expect(install).toContain('as_build npm ci --no-audit --no-fund)');
    // The install script is embedded in the startup script, as one quoted word.
    expect(script).toContain(writeFileCommand('/usr/local/lib/social-pulse/install', '0755', install));
  });

  it('hands config values to the shell literally, whatever they contain', () => {
    const nasty = { ...INPUT, repoUrl: "https://example.com/$(touch /tmp/pwned)/it's.git", commit: 'v1`id`"; reboot' };
    const assignments = installScript(nasty)
      .split('\n')
      .filter((line) => /^(REPO_URL|COMMIT)=/.test(line));
    expect(assignments).toHaveLength(2);
    const result = bash(['-c', `${assignments.join('\n')}\nprintf '%s\\n%s' "$REPO_URL" "$COMMIT"`]);
    expect(result.stdout).toBe(`${nasty.repoUrl}\n${nasty.commit}`);
  });

  it('takes nothing but a full commit id as the pin', () => {
    expect(() => startupScript({ ...INPUT, commit: 'main' })).toThrow('not a full commit id: "main"');
    expect(() => startupScript({ ...INPUT, commit: `${INPUT.commit}"; reboot; "` })).toThrow('not a full commit id');
  });

  it('pins the commit: another commit is another script, in its first lines and its install', () => {
    const other = startupScript({ ...INPUT, commit: 'fedcba9876543210fedcba9876543210fedcba98' });
    expect(other).not.toBe(startupScript(INPUT));
    expect(startupScript(INPUT).split('\n').slice(0, 3).join('\n')).toContain(`Installs commit ${INPUT.commit}`);
    expect(startupScript(INPUT)).not.toMatch(/FETCH_HEAD|git clone|checkout .*main/);
  });

  it('installs the timer, the run service and the dashboard as a dedicated user', () => {
    const script = startupScript(INPUT);
    expect(script).toContain('OnCalendar=*:0/30\nPersistent=true');
    expect(script).toContain('Type=oneshot');
    expect(script).toContain('User=social-pulse');
    expect(script).toContain('ExecStart=/opt/social-pulse/current/node_modules/.bin/pulse run --config /etc/social-pulse/pulse.config.yaml');
    expect(script).not.toContain('npx');
    expect(script).toContain('ExecStartPre=/usr/local/lib/social-pulse/load-secrets /run/social-pulse-run/secrets.env');
    expect(script).toContain('--host 127.0.0.1 --port 8080');
    expect(script).toContain('systemctl enable social-pulse-run.timer social-pulse-dashboard.service');
    expect(script).toContain('useradd --system');
  });

  it('writes pulse.config.yaml as one quoted word, so nothing in it runs', () => {
    expect(startupScript(INPUT)).toContain(writeFileCommand('/etc/social-pulse/pulse.config.yaml', '0644', INPUT.pulseConfig));
  });

  it('installs GPU drivers only for a GPU', () => {
    expect(startupScript(INPUT)).not.toContain('ubuntu-drivers');
    const gpu = startupScript({ ...INPUT, gpu: 'nvidia-tesla-t4' });
    expect(gpu).toContain('ubuntu-drivers install --gpgpu');
    expect(gpu).toContain('cuda-libraries-12-6');
  });
});

describe('writeFileCommand', () => {
  it('writes any content byte for byte with the given mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-write-'));
    const path = join(dir, 'pulse.config.yaml');
    const result = bash(['-c', writeFileCommand(path, '0640', INPUT.pulseConfig)]);
    expect(result.stderr).toBe('');
    expect(readFileSync(path, 'utf8')).toBe(INPUT.pulseConfig);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });
});

describe('loadSecretsScript', () => {
  it('writes set secrets to the env file, escaped for systemd, and skips missing ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-secrets-'));
    const gcloud = join(dir, 'gcloud');
    // A stand-in for gcloud: only the bearer token has a version.
    writeFileSync(
      gcloud,
      `#!/bin/bash\nfor a in "$@"; do [ "$a" = --secret=x-secret ] && printf '%s\\n' 'a"b$c\\d\`e' && exit 0; done\necho 'ERROR: (gcloud.secrets.versions.access) NOT_FOUND: Secret [projects/p/secrets/missing] not found or has no versions.' >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const script = join(dir, 'load-secrets');
    writeFileSync(script, loadSecretsScript('my-project', [{ env: 'X_BEARER_TOKEN', secretId: 'x-secret' }, { env: 'REDDIT_CLIENT_ID', secretId: 'missing' }]));
    const out = join(dir, 'secrets.env');
    const result = bash([script, out], undefined, { GCLOUD: gcloud });
    expect(result.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('X_BEARER_TOKEN="a\\"b\\$c\\\\d\\`e"\n');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain('missing has no readable version; REDDIT_CLIENT_ID stays unset');
  });
});

describe('loadSecretsScript errors', () => {
  function run(gcloudBody: string) {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-secrets-'));
    const gcloud = join(dir, 'gcloud');
    writeFileSync(gcloud, `#!/bin/bash\n${gcloudBody}\n`, { mode: 0o755 });
    const script = join(dir, 'load-secrets');
    writeFileSync(script, loadSecretsScript('my-project', [{ env: 'X_BEARER_TOKEN', secretId: 'x-secret' }]));
    const out = join(dir, 'secrets.env');
    return { result: bash([script, out], undefined, { GCLOUD: gcloud }), out };
  }

  it('reports a permission error as gcloud gave it and fails the run, instead of skipping the source', () => {
    const denied = "ERROR: (gcloud.secrets.versions.access) PERMISSION_DENIED: Permission 'secretmanager.versions.access' denied for resource 'projects/p/secrets/x-secret/versions/latest'";
    const { result, out } = run(`echo "${denied}" >&2\nexit 1`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot read x-secret for X_BEARER_TOKEN');
    expect(result.stderr).toContain(denied);
    expect(() => statSync(out)).toThrow();
  });

  it('never throws gcloud errors away', () => {
    expect(loadSecretsScript('p', [{ env: 'A', secretId: 'a' }])).not.toContain('2>/dev/null');
  });
});

describe('gpuModuleCheck', () => {
  // Stand-ins for modprobe (loads or not, as told), nvidia-smi and systemctl (records a reboot).
  function boot(dir: string, loads: boolean) {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'modprobe'), `#!/bin/bash\nexit ${loads ? 0 : 1}\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(bin, 'systemctl'), `#!/bin/bash\necho "$*" >> ${shq(join(dir, 'systemctl.log'))}\n`, { mode: 0o755 });
    const marker = join(dir, 'state', 'rebooted');
    const script = `set -euo pipefail\nlog() { echo "$*"; }\n${gpuModuleCheck(marker)}\necho "carried on"\n`;
    const result = bash(['-c', script], undefined, { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` });
    const reboots = existsSync(join(dir, 'systemctl.log')) ? readFileSync(join(dir, 'systemctl.log'), 'utf8').split('\n').filter((l) => l === 'reboot').length : 0;
    return { result, reboots, marker };
  }

  it('reboots once when the module does not load, and not again when it still does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-gpu-'));
    const first = boot(dir, false);
    expect(first.result.status).toBe(0);
    expect(first.reboots).toBe(1);
    expect(first.result.stdout).not.toContain('carried on');
    const second = boot(dir, false);
    expect(second.reboots).toBe(1);
    expect(second.result.stdout).toContain('does not load even after a reboot');
    expect(second.result.stdout).toContain('carried on');
  });

  it('does not reboot when the module loads, and forgets an earlier reboot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-gpu-'));
    expect(boot(dir, false).reboots).toBe(1);
    const after = boot(dir, true);
    expect(after.reboots).toBe(1);
    expect(after.result.stdout).toContain('carried on');
    expect(existsSync(after.marker)).toBe(false);
  });

  it('is part of the GPU startup script only', () => {
    expect(startupScript({ ...INPUT, gpu: 'nvidia-l4' })).toContain(gpuModuleCheck());
    expect(startupScript(INPUT)).not.toContain('modprobe');
  });
});
