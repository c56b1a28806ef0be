import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The one line that fixes a machine without a browser for the dashboard's browser tests. */
export const NO_BROWSER =
  'No Chromium for the dashboard browser tests: install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary';

/** Names a Chromium or Chrome binary goes by on PATH (Debian, Ubuntu, Google's packages, Homebrew). */
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

/** Where the browser lives inside one of Playwright's `chromium-<revision>` folders, by platform and Playwright version. */
const IN_PLAYWRIGHT_FOLDER = [
  'chrome-linux/chrome',
  'chrome-linux64/chrome',
  'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium',
  'chrome-linux/headless_shell',
  'chrome-headless-shell-linux64/chrome-headless-shell',
];

/** Applications installed the macOS way, not on PATH. */
const MAC_APPS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

export type Found = { path: string; from: string } | { path: null; problem: string };

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Playwright's browser folder: PLAYWRIGHT_BROWSERS_PATH, else its per-user cache. */
function playwrightFolder(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== '0') return env.PLAYWRIGHT_BROWSERS_PATH;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'ms-playwright');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'ms-playwright');
}

/** `chromium-1200` before `chromium-1187`, full browsers before headless shells. */
function playwrightCandidates(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  const revision = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? -1);
  const full = entries.filter((e) => /^chromium-\d+$/.test(e)).sort((a, b) => revision(b) - revision(a));
  const shells = entries.filter((e) => /^chromium_headless_shell-\d+$/.test(e)).sort((a, b) => revision(b) - revision(a));
  return [...full, ...shells].flatMap((dir) => IN_PLAYWRIGHT_FOLDER.map((rel) => path.join(folder, dir, rel)));
}

/**
 * A Chromium for playwright-core, where users usually have one: CHROMIUM_PATH, a `chromium`
 * (or Chrome) on PATH, Playwright's own browser folder, the macOS Applications folder. When
 * there is none, the problem is the one line that fixes it.
 */
export function findChromium(opts: FindOptions = {}): Found {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const platform = opts.platform ?? process.platform;
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    // A wrong CHROMIUM_PATH is a mistake to point out, not a reason to quietly pick another browser.
    return executable(explicit)
      ? { path: explicit, from: 'CHROMIUM_PATH' }
      : { path: null, problem: `CHROMIUM_PATH is ${explicit}, which is not an executable file: point it at a Chromium or Chrome binary, or unset it` };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ON_PATH) {
      const p = path.join(dir, name);
      if (executable(p)) return { path: p, from: 'PATH' };
    }
  }
  for (const p of playwrightCandidates(playwrightFolder(env, home, platform))) {
    if (executable(p)) return { path: p, from: 'Playwright browser folder' };
  }
  if (platform === 'darwin') {
    for (const p of MAC_APPS) if (executable(p)) return { path: p, from: 'Applications' };
  }
  return { path: null, problem: NO_BROWSER };
}
