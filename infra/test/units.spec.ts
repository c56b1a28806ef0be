import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VM_ENV, installScript, startupScript } from '../startup-script.ts';
import type { StartupScriptInput } from '../startup-script.ts';
import { dashboardService, runService, runTimer, setupService, tmpfilesConf } from '../systemd-units.ts';
import { VM } from '../vm-layout.ts';

const INPUT: StartupScriptInput = {
  project: 'my-project',
  repoUrl: 'https://github.com/example/social-pulse.git',
  commit: '0123456789abcdef0123456789abcdef01234567',
  pulseConfig: 'lake: "gs://b/lake"\n',
  schedule: 'hourly',
  gpu: undefined,
  secrets: [],
  env: { GOOGLE_CLOUD_PROJECT: 'my-project' },
};

const UNITS = {
  [VM.setupService]: setupService(),
  [VM.runService]: runService(),
  [VM.runTimer]: runTimer('hourly'),
  [VM.dashboardService]: dashboardService(),
};

/** The values of `key=` in a unit, in order. */
function values(unit: string, key: string): string[] {
  return unit
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

describe('no boot race', () => {
  it.each([VM.runTimer, VM.runService, VM.dashboardService])('%s requires the setup unit and starts after it', (name) => {
    const unit = UNITS[name];
    expect(values(unit, 'Requires')).toContain(VM.setupService);
    expect(values(unit, 'After')).toContain(VM.setupService);
  });

  it('the setup unit runs the install once per boot and stays active for those that require it', () => {
    expect(values(UNITS[VM.setupService], 'Type')).toEqual(['oneshot']);
    expect(values(UNITS[VM.setupService], 'RemainAfterExit')).toEqual(['yes']);
    expect(values(UNITS[VM.setupService], 'ExecStart')).toEqual([VM.install]);
  });

  it('the startup script installs before it starts the timer or the dashboard, and never enables them with --now', () => {
    // The script's own commands, one a line (the embedded files are single-quoted words spanning lines).
    const lines = startupScript(INPUT).split('\n');
    const setup = lines.indexOf(`systemctl start ${VM.setupService}`);
    expect(setup).toBeGreaterThan(0);
    expect(lines.indexOf(`systemctl start ${VM.runTimer} ${VM.dashboardService}`)).toBeGreaterThan(setup);
    expect(lines.indexOf(`systemctl start --no-block ${VM.runService}`)).toBeGreaterThan(setup);
    expect(lines.filter((l) => l.startsWith('systemctl ') && l.includes('--now'))).toEqual([]);
  });

  it('the services run from the current release, through the project\'s own pulse, never npx', () => {
    for (const name of [VM.runService, VM.dashboardService]) {
      const unit = UNITS[name];
      expect(values(unit, 'WorkingDirectory')).toEqual(['/opt/social-pulse/current']);
      expect(values(unit, 'ExecStart')[0]).toMatch(/^\/opt\/social-pulse\/current\/node_modules\/\.bin\/pulse (run|dashboard) /);
      expect(unit).not.toContain('npx');
    }
  });
});

describe('hardening', () => {
  it.each([VM.runService, VM.dashboardService])('%s: read-only system, no privileges, a syscall filter and a memory cap', (name) => {
    const unit = UNITS[name];
    expect(values(unit, 'ProtectSystem')).toEqual(['strict']);
    expect(values(unit, 'NoNewPrivileges')).toEqual(['true']);
    expect(values(unit, 'CapabilityBoundingSet')).toEqual(['']);
    expect(values(unit, 'RestrictAddressFamilies')).toEqual(['AF_UNIX AF_INET AF_INET6 AF_NETLINK']);
    expect(values(unit, 'SystemCallFilter')).toEqual(['@system-service']);
    expect(values(unit, 'MemoryMax')).toHaveLength(1);
    expect(values(unit, 'User')).toEqual([VM.user]);
  });

  it.each([VM.runService, VM.dashboardService])('%s may write its state, its cache and the lock dir, and nothing under /opt', (name) => {
    const unit = UNITS[name];
    expect(values(unit, 'StateDirectory')).toEqual([VM.stateDir]);
    expect(values(unit, 'CacheDirectory')).toEqual([VM.cacheDirName]);
    expect(values(unit, 'ReadWritePaths')).toEqual([`-${VM.lockDir}`]);
    expect(unit).not.toMatch(/ReadWritePaths=.*\/opt/);
  });

  it('keeps the Cloud Storage cache, the models and the run lock out of the private /tmp, where a run would lose them', () => {
    expect(VM_ENV).toEqual({ PULSE_CACHE_DIR: '/var/cache/social-pulse/gcs', PULSE_LOCK_DIR: '/run/social-pulse', PULSE_MODELS_DIR: '/var/cache/social-pulse/models' });
    const script = startupScript(INPUT);
    for (const [name, value] of Object.entries(VM_ENV)) expect(script).toContain(`${name}="${value}"`);
    expect(tmpfilesConf()).toBe('d /run/social-pulse 0750 social-pulse social-pulse -\n');
  });

  it('hands the code to root once installed, so the service user cannot change what it runs', () => {
    const install = installScript(INPUT);
    expect(install).toContain('chown -R root:root "$release.new"');
    expect(install).toContain('chmod -R go-w "$release.new"');
    // npm ci (and the install scripts of dependencies) run as the build user, not root, not the service user.
    expect(install).toContain(`as_build() { runuser -u ${VM.buildUser} --`);
    expect(install.indexOf('chown -R root:root')).toBeLessThan(install.indexOf('mv -T "$release.new" "$release"'));
  });
});

// systemd-analyze parses the units as systemd would: unknown keys, bad values, missing units.
const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
describe.skipIf(analyze.status !== 0)('systemd-analyze verify', () => {
  it('finds nothing to say about the units', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-units-'));
    // The executables the units name, as stand-ins under the test's folder (verify checks that they exist).
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const exec = { [VM.pulseBin]: join(bin, 'pulse'), [VM.install]: join(bin, 'install'), [VM.loadSecrets]: join(bin, 'load-secrets') };
    for (const stub of Object.values(exec)) writeFileSync(stub, '#!/bin/sh\n', { mode: 0o755 });
    const files = Object.entries(UNITS).map(([name, text]) => {
      const file = join(dir, name);
      writeFileSync(file, Object.entries(exec).reduce((t, [from, to]) => t.replaceAll(from, to), text));
      return file;
    });
    const result = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
