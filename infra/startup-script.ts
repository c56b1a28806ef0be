import type { GpuType } from './gpu.ts';
import { loadSecretsScript } from './load-secrets.ts';
import type { SecretRef } from './load-secrets.ts';
import { shq, systemdEnvValue } from './shell.ts';
import { dashboardService, runService, runTimer, setupService, tmpfilesConf } from './systemd-units.ts';
import { VM } from './vm-layout.ts';
import type { VmLayout } from './vm-layout.ts';

export interface StartupScriptInput {
  /** The GCP project (for Secret Manager and the Google clients). */
  project: string;
  /** Git URL of the social-pulse repository. */
  repoUrl: string;
  /** The full commit id `pulumi up` pinned (see commit.ts): the VM installs exactly this. */
  commit: string;
  /** The pulse.config.yaml text (see pulse-config.ts). */
  pulseConfig: string;
  /** systemd OnCalendar expression of the run timer. */
  schedule: string;
  /** The GPU attached to the VM, if any: its driver and CUDA libraries are installed. */
  gpu: GpuType | undefined;
  /** Credentials to read from Secret Manager at run time (names only, never values). */
  secrets: readonly SecretRef[];
  /** Plain (non-secret) environment for both services, e.g. BLUESKY_HANDLE. */
  env: Readonly<Record<string, string>>;
}

/** Where `pulse` keeps what outlives a run on the VM; both services and a run by hand read these. */
export const VM_ENV: Readonly<Record<string, string>> = {
  PULSE_CACHE_DIR: VM.gcsCache,
  PULSE_LOCK_DIR: VM.lockDir,
  PULSE_MODELS_DIR: VM.modelsDir,
};

/** Write `content` to `path` with `mode`, atomically; the content is one single-quoted word. */
export function writeFileCommand(path: string, mode: string, content: string): string {
  return [`printf '%s' ${shq(content)} > ${shq(`${path}.new`)}`, `chmod ${mode} ${shq(`${path}.new`)}`, `mv -f ${shq(`${path}.new`)} ${shq(path)}`].join('\n');
}

function envFile(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${systemdEnvValue(value)}\n`)
    .join('');
}

/** The Node.js major the VM runs: the active LTS line (Node 20 reached end of life in April 2026). */
export const NODE_MAJOR = 24;

const BASE_PACKAGES = `log "installing base packages, Node.js ${NODE_MAJOR} LTS and the Google Cloud CLI"
apt_get update
apt_get install ca-certificates curl git gnupg
install -d -m 0755 /etc/apt/keyrings
if ! node --version 2>/dev/null | grep -q '^v${NODE_MAJOR}\\.'; then
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o /etc/apt/keyrings/nodesource.gpg
  echo 'deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main' > /etc/apt/sources.list.d/nodesource.list
  apt_get update
  apt_get install nodejs
fi
# The image's gcloud is a snap, which will not run for a system user whose home is outside
# /home; the apt package puts a plain /usr/bin/gcloud beside it.
if [ ! -x /usr/bin/gcloud ]; then
  curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --dearmor --yes -o /etc/apt/keyrings/cloud.google.gpg
  echo 'deb [signed-by=/etc/apt/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main' > /etc/apt/sources.list.d/google-cloud-sdk.list
  apt_get update
  apt_get install google-cloud-cli
fi`;

/**
 * The Ops Agent's logging config: the whole journal goes to Cloud Logging as log `journald`, each
 * entry's journal fields in jsonPayload (MESSAGE, _SYSTEMD_UNIT, and for systemd's own lines UNIT,
 * MESSAGE_ID, UNIT_RESULT). The agent's default syslog pipeline and host metrics stay on.
 */
export const OPS_AGENT_CONFIG = `logging:
  receivers:
    journald:
      type: systemd_journald
  service:
    pipelines:
      journald:
        receivers: [journald]
`;

const OPS_AGENT = `log "installing the Ops Agent: the journal to Cloud Logging, host metrics to Cloud Monitoring"
if ! dpkg-query -W -f='\${Status}' google-cloud-ops-agent 2>/dev/null | grep -q 'install ok installed'; then
  curl -fsSLo /tmp/add-google-cloud-ops-agent-repo.sh https://dl.google.com/cloudagents/add-google-cloud-ops-agent-repo.sh
  bash /tmp/add-google-cloud-ops-agent-repo.sh --also-install
fi
install -d -m 0755 ${VM.opsAgentConfig.slice(0, VM.opsAgentConfig.lastIndexOf('/'))}
${writeFileCommand(VM.opsAgentConfig, '0644', OPS_AGENT_CONFIG)}
systemctl restart google-cloud-ops-agent`;

/** Set when the startup script rebooted for the NVIDIA module; it reboots at most once for it. */
export const GPU_REBOOT_MARKER = '/var/lib/social-pulse-setup/rebooted-for-gpu-driver';

/**
 * A freshly installed driver's module often loads only after a reboot (the running kernel, or
 * the nouveau module holding the device). Reboot once for it; the startup script runs again at
 * the next boot and finds the driver installed. A marker bounds it to one reboot, so a module
 * that never loads cannot reboot the VM in a loop: the script says so and carries on.
 */
export function gpuModuleCheck(marker: string = GPU_REBOOT_MARKER): string {
  return `if modprobe nvidia; then
  rm -f ${shq(marker)}
  nvidia-smi || log "nvidia-smi failed although the module loaded"
elif [ ! -e ${shq(marker)} ]; then
  log "the NVIDIA module loads only after a reboot: rebooting once"
  install -d -m 0755 "$(dirname ${shq(marker)})"
  touch ${shq(marker)}
  systemctl reboot
  exit 0
else
  log "ERROR: the NVIDIA module does not load even after a reboot (see journalctl -k); NLP on cuda will fail until it does"
fi`;
}

// Canonical's signed, precompiled modules (ubuntu-drivers --gpgpu) load under Secure Boot;
// ONNX Runtime's CUDA provider needs the CUDA 12 runtime libraries and cuDNN 9 beside them.
const GPU_DRIVERS = `log "installing the NVIDIA driver, CUDA 12 runtime libraries and cuDNN 9"
apt_get install ubuntu-drivers-common
ubuntu-drivers install --gpgpu
if [ ! -f /etc/apt/sources.list.d/cuda-ubuntu2404-x86_64.list ]; then
  curl -fsSLo /tmp/cuda-keyring.deb https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2404/x86_64/cuda-keyring_1.1-1_all.deb
  dpkg -i /tmp/cuda-keyring.deb
  apt_get update
fi
apt_get install cuda-libraries-12-6 libcudnn9-cuda-12
ldconfig
${gpuModuleCheck()}`;

/** What {@link installScript} needs: where the code comes from and which commit. */
export interface InstallInput {
  repoUrl: string;
  commit: string;
  gpu: GpuType | undefined;
}

/** Releases kept on the VM besides the one `current` points to: the ones used most recently before it. */
export const RELEASES_KEPT = 3;

/**
 * The setup unit's script (social-pulse-setup.service, as root). It installs the pinned commit
 * into a directory of its own, releases/<commit>, and only once that is complete (files from
 * `git archive` of the commit, `npm ci` done, ownership handed to root) renames it into place
 * and switches the `current` symlink with one rename(2). A run therefore sees the old release
 * or the new one, never a half-written node_modules. Dependencies' install scripts run as the
 * unprivileged build user; the service user can read the code but not change it. Then it
 * removes all but the {@link RELEASES_KEPT} releases used last before `current` (which stays,
 * whatever the clock says), and what failed installs left half-made.
 */
export function installScript(input: InstallInput, vm: VmLayout = VM): string {
  const npmCi = input.gpu ? 'npm ci --no-audit --no-fund --onnxruntime-node-install=cuda12' : 'npm ci --no-audit --no-fund';
  return `#!/bin/bash
# Generated by infra/startup-script.ts: installs the commit \`pulumi up\` pinned. Run by ${vm.setupService}.
set -euo pipefail
log() { echo "social-pulse-install: $*"; }
as_build() { runuser -u ${vm.buildUser} -- env HOME=${vm.buildHome} "$@"; }

REPO_URL=${shq(input.repoUrl)}
COMMIT=${shq(input.commit)}
MIRROR=${vm.mirror}
release=${vm.releasesDir}/$COMMIT

if [ ! -d "$release" ]; then
  log "installing commit $COMMIT of $REPO_URL"
  install -d -m 0755 ${vm.appDir} ${vm.releasesDir}
  install -d -m 0700 -o ${vm.buildUser} -g ${vm.buildUser} ${vm.buildHome}
  [ -d "$MIRROR" ] || as_build git init --quiet --bare "$MIRROR"
  # By its id first (GitHub, GitLab and most servers allow it); else every branch and tag.
  if ! as_build git --git-dir="$MIRROR" fetch --quiet --no-tags -- "$REPO_URL" "$COMMIT"; then
    log "fetching $COMMIT by id failed; fetching every branch and tag"
    as_build git --git-dir="$MIRROR" fetch --quiet -- "$REPO_URL" '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
  fi
  if ! as_build git --git-dir="$MIRROR" cat-file -e "$COMMIT^{commit}"; then
    log "ERROR: commit $COMMIT is not in $REPO_URL: push it, then run: sudo systemctl start ${vm.runTimer} ${vm.dashboardService} (they install it first)"
    exit 1
  fi
  rm -rf "$release.new"
  install -d -o ${vm.buildUser} -g ${vm.buildUser} "$release.new"
  # A commit id names its tree by hash: these are exactly the files \`pulumi up\` pinned.
  as_build git --git-dir="$MIRROR" archive --format=tar "$COMMIT" | as_build tar -x -C "$release.new"
  log "installing dependencies (npm ci)"
  (cd "$release.new" && as_build ${npmCi})
  printf '%s\\n' "$COMMIT" > "$release.new/.social-pulse-commit"
  chown -R root:root "$release.new"
  chmod -R go-w "$release.new"
  mv -T "$release.new" "$release"
fi

ln -sfn "releases/$COMMIT" ${vm.current}.new
mv -Tf ${vm.current}.new ${vm.current}
log "${vm.current} is commit $COMMIT"

# Each release is a whole node_modules: keep the one current points to and the ${RELEASES_KEPT} used
# last before it (a process started on one may still read it, and a rollback is then a switch).
# A switch marks its release as used, so a rollback counts. Newest first: commit ids, no spaces.
touch "$release"
in_use=$(basename "$(readlink ${vm.current})")
kept=0
for name in $(ls -1t ${vm.releasesDir}); do
  if [ "$name" = "$in_use" ]; then
    continue
  elif [ "$name" != "\${name%.new}" ] || [ "$kept" -ge ${RELEASES_KEPT} ]; then
    log "removing the release $name"
    rm -rf "${vm.releasesDir}/$name"
  else
    kept=$((kept + 1))
  fi
done

# The code is read-only to the services, so the NLP models live in the cache dir (PULSE_MODELS_DIR)
# and are fetched here rather than by a run. Without them the enrich step says how to fix it and
# the posts still load, so a hub outage does not hold the pipeline back.
install -d -m 0755 -o ${vm.user} -g ${vm.user} ${vm.cacheDir} ${vm.modelsDir} ${vm.gcsCache}
if ! runuser -u ${vm.user} -- env HOME=${vm.home} PULSE_MODELS_DIR=${vm.modelsDir} ${vm.pulseBin} models pull --config ${vm.config}; then
  log "WARNING: could not pull the NLP models into ${vm.modelsDir}; the enrich step will say what is missing"
fi
`;
}

/**
 * The VM's startup script. Compute Engine runs it as root at every boot, so every step is
 * idempotent: it installs what is missing, rewrites the configuration, the install script and
 * the units, and starts the setup unit, after which systemd starts the timer and the dashboard.
 * Every config value reaches the shell through {@link shq}; secret values never appear here,
 * only secret names.
 */
export function startupScript(input: StartupScriptInput): string {
  // The id is written into comments and log lines as is: only a full commit id may get there.
  if (!/^[0-9a-f]{40}$/.test(input.commit)) throw new Error(`not a full commit id: ${JSON.stringify(input.commit)}`);
  return `#!/bin/bash
# social-pulse VM setup, generated by infra/startup-script.ts. Logs: journalctl -u google-startup-scripts
# Installs commit ${input.commit} (pinned by pulumi up).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
log() { echo "social-pulse-setup: $*"; }
# unattended-upgrades holds the dpkg lock for a while after the first boot.
apt_get() { apt-get -o DPkg::Lock::Timeout=900 -y -q "$@"; }

${BASE_PACKAGES}

${OPS_AGENT}
${input.gpu ? `\n${GPU_DRIVERS}\n` : ''}
log "creating the service user ${VM.user} and the build user ${VM.buildUser}"
if ! id -u ${VM.user} >/dev/null 2>&1; then
  useradd --system --create-home --home-dir ${VM.home} --shell /usr/sbin/nologin ${VM.user}
fi
if ! id -u ${VM.buildUser} >/dev/null 2>&1; then
  useradd --system --home-dir ${VM.buildHome} --shell /usr/sbin/nologin ${VM.buildUser}
fi

log "writing the configuration, the install script and the systemd units"
install -d -m 0755 ${VM.etcDir} ${VM.libDir} ${VM.appDir}
${writeFileCommand(VM.config, '0644', input.pulseConfig)}
${writeFileCommand(VM.envFile, '0644', envFile({ ...input.env, ...VM_ENV }))}
${writeFileCommand(VM.loadSecrets, '0755', loadSecretsScript(input.project, input.secrets))}
${writeFileCommand(VM.install, '0755', installScript({ repoUrl: input.repoUrl, commit: input.commit, gpu: input.gpu }))}
${writeFileCommand(VM.tmpfiles, '0644', tmpfilesConf())}
${writeFileCommand(`/etc/systemd/system/${VM.setupService}`, '0644', setupService())}
${writeFileCommand(`/etc/systemd/system/${VM.runService}`, '0644', runService())}
${writeFileCommand(`/etc/systemd/system/${VM.runTimer}`, '0644', runTimer(input.schedule))}
${writeFileCommand(`/etc/systemd/system/${VM.dashboardService}`, '0644', dashboardService())}
systemd-tmpfiles --create ${VM.tmpfiles}
systemctl daemon-reload

# The timer and the dashboard require the setup unit and are ordered after it: systemd starts
# them only once the pinned release is installed (at later boots too, whether or not this script
# has run yet), and not at all if the install failed.
log "installing commit ${input.commit}, then starting the timer and the dashboard"
systemctl enable ${VM.runTimer} ${VM.dashboardService}
systemctl start ${VM.setupService}
systemctl start ${VM.runTimer} ${VM.dashboardService}
# A first run now rather than at the next tick of the timer.
systemctl start --no-block ${VM.runService}
log "done"
`;
}
