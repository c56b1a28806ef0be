import { DASHBOARD_PORT } from './pulse-config.ts';
import { VM } from './vm-layout.ts';

/**
 * Hardening shared by both services. The code under /opt is read-only to them (root owns it, and
 * ProtectSystem=strict makes the whole file system read-only besides); what they write has a
 * place of its own: the state dir (gcloud's config), the cache dir (Cloud Storage reads, NLP
 * models), the run lock's dir, and a private /tmp for scratch that is emptied after each run.
 * No MemoryDenyWriteExecute=: V8's JIT needs writable executable memory.
 */
function hardening(memoryMax: string): string[] {
  return [
    `StateDirectory=${VM.stateDir}`,
    `CacheDirectory=${VM.cacheDirName}`,
    // `-`: a missing directory does not stop the service (systemd-tmpfiles creates it at boot).
    `ReadWritePaths=-${VM.lockDir}`,
    'PrivateTmp=true',
    'ProtectSystem=strict',
    'ProtectHome=true',
    'NoNewPrivileges=true',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    // Unix sockets for the journal, IP for Google's APIs and the social networks, netlink for
    // getifaddrs (os.networkInterfaces(): Google's auth library looks for a GCE MAC address); no raw sockets.
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'SystemCallFilter=@system-service',
    'SystemCallArchitectures=native',
    // A call outside the filter fails with EPERM (Node, DuckDB and ONNX Runtime report it) instead of killing the process.
    'SystemCallErrorNumber=EPERM',
    'ProtectKernelTunables=true',
    'ProtectKernelModules=true',
    'ProtectKernelLogs=true',
    'ProtectControlGroups=true',
    'ProtectClock=true',
    'ProtectHostname=true',
    'RestrictNamespaces=true',
    'RestrictRealtime=true',
    'RestrictSUIDSGID=true',
    'LockPersonality=true',
    `MemoryMax=${memoryMax}`,
  ];
}

function unit(sections: Record<string, string[]>): string {
  return `${Object.entries(sections)
    .map(([name, lines]) => [`[${name}]`, ...lines].join('\n'))
    .join('\n\n')}\n`;
}

// Ordering on the setup unit: nothing that runs `pulse` starts before the pinned release is
// installed, and if the install fails they do not start at all (Requires=). A restart of the
// setup unit restarts them too, on the release it switched to.
const AFTER_SETUP = [`Requires=${VM.setupService}`, `After=${VM.setupService}`];

// Each unit reaches the network (Cloud Storage, BigQuery, the networks' APIs): it starts once the VM is online.
const ONLINE = ['Wants=network-online.target', 'After=network-online.target'];

/**
 * A service that runs `pulse` once the VM is online and the release installed: as its user, in
 * the current release, with its environment file, hardened, with at most `memoryMax` of memory.
 * `service` is what it runs (the lines between those); `install`, its [Install] section.
 */
function pulseService(description: string, type: 'oneshot' | 'simple', service: string[], memoryMax: string, install?: string[]): string {
  return unit({
    Unit: [`Description=${description}`, ...ONLINE, ...AFTER_SETUP],
    Service: [`Type=${type}`, `User=${VM.user}`, `Group=${VM.user}`, `WorkingDirectory=${VM.current}`, `EnvironmentFile=${VM.envFile}`, ...service, ...hardening(memoryMax)],
    ...(install === undefined ? {} : { Install: install }),
  });
}

/**
 * Installs the pinned release (see startup-script.ts' installScript) and switches
 * /opt/social-pulse/current to it. Started by the timer, the dashboard and the startup script;
 * RemainAfterExit keeps it active, so it runs once per boot.
 */
export function setupService(): string {
  return unit({
    Unit: ['Description=social-pulse: install the pinned release', ...ONLINE],
    Service: ['Type=oneshot', 'RemainAfterExit=yes', `ExecStart=${VM.install}`, 'TimeoutStartSec=1h'],
  });
}

/** One pipeline run: scrape, lake, enrich, load. Started by the timer. */
export function runService(): string {
  return pulseService(
    'social-pulse: one pipeline run (scrape, lake, enrich, load)',
    'oneshot',
    [
      `RuntimeDirectory=${VM.runtimeDir}`,
      'RuntimeDirectoryMode=0700',
      '# Credentials are read from Secret Manager at the start of every run into a file on tmpfs',
      '# that systemd removes when the run ends; no value is written in this unit or on disk.',
      `ExecStartPre=${VM.loadSecrets} ${VM.secretsEnv}`,
      `EnvironmentFile=-${VM.secretsEnv}`,
      `ExecStart=${VM.pulseBin} run --config ${VM.config}`,
      'TimeoutStartSec=3h',
      'Nice=5',
    ],
    '80%',
  );
}

/** Starts the run on the configured calendar; Persistent= catches up a run missed while the VM was off. */
export function runTimer(onCalendar: string): string {
  return unit({
    Unit: ['Description=social-pulse: run the pipeline on a schedule', ...AFTER_SETUP],
    Timer: [`OnCalendar=${onCalendar}`, 'Persistent=true', `Unit=${VM.runService}`],
    Install: ['WantedBy=timers.target'],
  });
}

/** The dashboard, on loopback only: it is reached through an SSH tunnel over IAP. */
export function dashboardService(): string {
  return pulseService(
    'social-pulse dashboard (127.0.0.1 only)',
    'simple',
    [`ExecStart=${VM.pulseBin} dashboard --config ${VM.config} --host 127.0.0.1 --port ${DASHBOARD_PORT}`, 'Restart=on-failure', 'RestartSec=10'],
    '25%',
    ['WantedBy=multi-user.target'],
  );
}

/** Creates the run lock's directory at every boot (/run is a tmpfs). */
export function tmpfilesConf(): string {
  return `d ${VM.lockDir} 0750 ${VM.user} ${VM.user} -\n`;
}
