/** Where the startup script puts things on the VM; the units and the scripts agree through this. */
export const VM = {
  /** Runs `pulse`: may read the code, never write it. */
  user: 'social-pulse',
  /** Runs `npm ci` for a new release (install scripts of dependencies run as this user, not root). */
  buildUser: 'social-pulse-build',
  // StateDirectory= of both services and the service user's home (gcloud keeps its config here).
  home: '/var/lib/social-pulse',
  stateDir: 'social-pulse',
  // CacheDirectory=: the Cloud Storage read cache and the NLP models, kept between runs.
  cacheDir: '/var/cache/social-pulse',
  cacheDirName: 'social-pulse',
  gcsCache: '/var/cache/social-pulse/gcs',
  modelsDir: '/var/cache/social-pulse/models',
  /** The build user's home: its npm cache and the bare mirror of the repository. */
  buildHome: '/var/cache/social-pulse-build',
  mirror: '/var/cache/social-pulse-build/repo.git',
  // The run lock (PULSE_LOCK_DIR): on tmpfs, shared by the timer's runs and a run started by
  // hand, kept between runs (created at boot by systemd-tmpfiles), gone after a reboot.
  lockDir: '/run/social-pulse',
  tmpfiles: '/etc/tmpfiles.d/social-pulse.conf',
  /** Root-owned code: one directory per pinned commit, and `current` pointing at the installed one. */
  appDir: '/opt/social-pulse',
  releasesDir: '/opt/social-pulse/releases',
  current: '/opt/social-pulse/current',
  /** The project's own `pulse` (a symlink npm makes to apps/cli/bin/pulse.mjs), never `npx pulse`. */
  pulseBin: '/opt/social-pulse/current/node_modules/.bin/pulse',
  etcDir: '/etc/social-pulse',
  config: '/etc/social-pulse/pulse.config.yaml',
  envFile: '/etc/social-pulse/pulse.env',
  libDir: '/usr/local/lib/social-pulse',
  loadSecrets: '/usr/local/lib/social-pulse/load-secrets',
  install: '/usr/local/lib/social-pulse/install',
  // RuntimeDirectory= of the run service: tmpfs, owned by the service user, removed after each run.
  runtimeDir: 'social-pulse-run',
  secretsEnv: '/run/social-pulse-run/secrets.env',
  setupService: 'social-pulse-setup.service',
  runService: 'social-pulse-run.service',
  runTimer: 'social-pulse-run.timer',
  dashboardService: 'social-pulse-dashboard.service',
  opsAgentConfig: '/etc/google-cloud-ops-agent/config.yaml',
} as const;

/** The same places under other paths (tests run the scripts in a temporary folder). */
export type VmLayout = { readonly [K in keyof typeof VM]: string };
