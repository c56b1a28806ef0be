import { DASHBOARD_PORT } from './pulse-config.ts';
import { VM } from './vm-layout.ts';

// Hardening shared by both services. The code directory stays writable by the service user
// because model downloads are cached inside it (node_modules).
const HARDENING = ['NoNewPrivileges=true', 'PrivateTmp=true', 'ProtectSystem=full', 'ProtectHome=true', 'ProtectKernelTunables=true', 'ProtectControlGroups=true'];

function unit(sections: Record<string, string[]>): string {
  return `${Object.entries(sections)
    .map(([name, lines]) => [`[${name}]`, ...lines].join('\n'))
    .join('\n\n')}\n`;
}

/** One pipeline run: scrape, lake, enrich, load. Started by the timer. */
export function runService(): string {
  return unit({
    Unit: ['Description=social-pulse: one pipeline run (scrape, lake, enrich, load)', 'Wants=network-online.target', 'After=network-online.target'],
    Service: [
      'Type=oneshot',
      `User=${VM.user}`,
      `Group=${VM.user}`,
      `WorkingDirectory=${VM.appDir}`,
      `EnvironmentFile=${VM.envFile}`,
      `RuntimeDirectory=${VM.runtimeDir}`,
      'RuntimeDirectoryMode=0700',
      '# Credentials are read from Secret Manager at the start of every run into a file on tmpfs',
      '# that systemd removes when the run ends; no value is written in this unit or on disk.',
      `ExecStartPre=${VM.loadSecrets} ${VM.secretsEnv}`,
      `EnvironmentFile=-${VM.secretsEnv}`,
      `ExecStart=/usr/bin/npx pulse run --config ${VM.config}`,
      'TimeoutStartSec=3h',
      'Nice=5',
      ...HARDENING,
    ],
  });
}

/** Starts the run on the configured calendar; Persistent= catches up a run missed while the VM was off. */
export function runTimer(onCalendar: string): string {
  return unit({
    Unit: ['Description=social-pulse: run the pipeline on a schedule'],
    Timer: [`OnCalendar=${onCalendar}`, 'Persistent=true', `Unit=${VM.runService}`],
    Install: ['WantedBy=timers.target'],
  });
}

/** The dashboard, on loopback only: it is reached through an SSH tunnel over IAP. */
export function dashboardService(): string {
  return unit({
    Unit: ['Description=social-pulse dashboard (127.0.0.1 only)', 'Wants=network-online.target', 'After=network-online.target'],
    Service: [
      'Type=simple',
      `User=${VM.user}`,
      `Group=${VM.user}`,
      `WorkingDirectory=${VM.appDir}`,
      `EnvironmentFile=${VM.envFile}`,
      `ExecStart=/usr/bin/npx pulse dashboard --config ${VM.config} --host 127.0.0.1 --port ${DASHBOARD_PORT}`,
      'Restart=on-failure',
      'RestartSec=10',
      ...HARDENING,
    ],
    Install: ['WantedBy=multi-user.target'],
  });
}
