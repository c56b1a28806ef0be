/** Where the startup script puts things on the VM; the units and the scripts agree through this. */
export const VM = {
  user: 'social-pulse',
  home: '/var/lib/social-pulse',
  appDir: '/opt/social-pulse',
  etcDir: '/etc/social-pulse',
  config: '/etc/social-pulse/pulse.config.yaml',
  envFile: '/etc/social-pulse/pulse.env',
  libDir: '/usr/local/lib/social-pulse',
  loadSecrets: '/usr/local/lib/social-pulse/load-secrets',
  // RuntimeDirectory= of the run service: tmpfs, owned by the service user, removed after each run.
  runtimeDir: 'social-pulse-run',
  secretsEnv: '/run/social-pulse-run/secrets.env',
  runService: 'social-pulse-run.service',
  runTimer: 'social-pulse-run.timer',
  dashboardService: 'social-pulse-dashboard.service',
} as const;
