import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretsScript } from '../load-secrets.ts';
import { shq } from '../shell.ts';
import { startupScript, writeFileCommand } from '../startup-script.ts';
import type { StartupScriptInput } from '../startup-script.ts';

const INPUT: StartupScriptInput = {
  project: 'my-project',
  repoUrl: 'https://github.com/example/social-pulse.git',
  repoRef: 'v1.2.0',
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
  });

  it('installs Node 20, git, clones the configured ref into /opt/social-pulse and runs npm ci', () => {
    const script = startupScript(INPUT);
    expect(script).toContain('https://deb.nodesource.com/node_20.x');
    expect(script).toContain('apt_get install ca-certificates curl git gnupg');
    expect(script).toContain(`REPO_URL=${shq(INPUT.repoUrl)}`);
    expect(script).toContain(`REPO_REF=${shq(INPUT.repoRef)}`);
    expect(script).toContain('git clone --quiet -- "$REPO_URL" /opt/social-pulse');
    expect(script).toContain('as_app npm ci --no-audit --no-fund)');
  });

  it('hands config values to the shell literally, whatever they contain', () => {
    const nasty = { ...INPUT, repoUrl: "https://example.com/$(touch /tmp/pwned)/it's.git", repoRef: 'v1`id`"; reboot' };
    const assignments = startupScript(nasty)
      .split('\n')
      .filter((line) => /^REPO_(URL|REF)=/.test(line));
    expect(assignments).toHaveLength(2);
    const result = bash(['-c', `${assignments.join('\n')}\nprintf '%s\\n%s' "$REPO_URL" "$REPO_REF"`]);
    expect(result.stdout).toBe(`${nasty.repoUrl}\n${nasty.repoRef}`);
  });

  it('installs the timer, the run service and the dashboard as a dedicated user', () => {
    const script = startupScript(INPUT);
    expect(script).toContain('OnCalendar=*:0/30\nPersistent=true');
    expect(script).toContain('Type=oneshot');
    expect(script).toContain('User=social-pulse');
    expect(script).toContain('ExecStart=/usr/bin/npx pulse run --config /etc/social-pulse/pulse.config.yaml');
    expect(script).toContain('ExecStartPre=/usr/local/lib/social-pulse/load-secrets /run/social-pulse-run/secrets.env');
    expect(script).toContain('--host 127.0.0.1 --port 8080');
    expect(script).toContain('systemctl enable --now social-pulse-run.timer');
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
    writeFileSync(gcloud, `#!/bin/bash\nfor a in "$@"; do [ "$a" = --secret=x-secret ] && printf '%s\\n' 'a"b$c\\d\`e' && exit 0; done\nexit 1\n`, { mode: 0o755 });
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
