import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, NO_BROWSER } from './find-browser.ts';

async function fakeBinary(file: string, mode = 0o755): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, mode);
  return file;
}

async function machine() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pulse-find-browser-'));
  const home = path.join(root, 'home');
  const bin = path.join(root, 'bin');
  const other = path.join(root, 'other-bin');
  await mkdir(home, { recursive: true });
  await mkdir(bin);
  await mkdir(other);
  // Only the fake folders: the test must not find this machine's own browser.
  return { root, home, bin, other, env: { PATH: [other, bin].join(path.delimiter) } as NodeJS.ProcessEnv };
}

describe('findChromium', () => {
  it('finds nothing on a bare machine, and says the one line that fixes it', async () => {
    const m = await machine();
    expect(findChromium({ env: m.env, home: m.home, platform: 'linux' })).toEqual({ path: null, problem: NO_BROWSER });
    expect(NO_BROWSER).toMatch(/apt-get install chromium.*CHROMIUM_PATH/);
    expect(NO_BROWSER).not.toContain('\n');
  });

  it('finds chromium, chromium-browser or google-chrome on PATH, in PATH order, skipping files that do not execute', async () => {
    const m = await machine();
    await fakeBinary(path.join(m.other, 'chromium'), 0o644);
    const chrome = await fakeBinary(path.join(m.bin, 'google-chrome'));
    expect(findChromium({ env: m.env, home: m.home, platform: 'linux' })).toEqual({ path: chrome, from: 'PATH' });
    const browser = await fakeBinary(path.join(m.other, 'chromium-browser'));
    expect(findChromium({ env: m.env, home: m.home, platform: 'linux' })).toEqual({ path: browser, from: 'PATH' });
  });

  it("finds Playwright's own browser, newest revision first, in its cache or PLAYWRIGHT_BROWSERS_PATH", async () => {
    const m = await machine();
    const cache = path.join(m.home, '.cache', 'ms-playwright');
    await fakeBinary(path.join(cache, 'chromium-1100', 'chrome-linux', 'chrome'));
    const newest = await fakeBinary(path.join(cache, 'chromium-1187', 'chrome-linux64', 'chrome'));
    await fakeBinary(path.join(cache, 'chromium_headless_shell-1200', 'chrome-linux', 'headless_shell'));
    expect(findChromium({ env: m.env, home: m.home, platform: 'linux' })).toEqual({ path: newest, from: 'Playwright browser folder' });
    const elsewhere = path.join(m.root, 'pw');
    const shell = await fakeBinary(path.join(elsewhere, 'chromium_headless_shell-1200', 'chrome-headless-shell-linux64', 'chrome-headless-shell'));
    expect(findChromium({ env: { ...m.env, PLAYWRIGHT_BROWSERS_PATH: elsewhere }, home: m.home, platform: 'linux' })).toEqual({
      path: shell,
      from: 'Playwright browser folder',
    });
    const mac = await fakeBinary(path.join(m.home, 'Library', 'Caches', 'ms-playwright', 'chromium-1187', 'chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'));
    expect(findChromium({ env: m.env, home: m.home, platform: 'darwin' })).toEqual({ path: mac, from: 'Playwright browser folder' });
  });

  it('takes CHROMIUM_PATH first, and says so when it points at nothing', async () => {
    const m = await machine();
    await fakeBinary(path.join(m.bin, 'chromium'));
    const mine = await fakeBinary(path.join(m.root, 'my', 'chrome'));
    expect(findChromium({ env: { ...m.env, CHROMIUM_PATH: mine }, home: m.home, platform: 'linux' })).toEqual({ path: mine, from: 'CHROMIUM_PATH' });
    const wrong = findChromium({ env: { ...m.env, CHROMIUM_PATH: path.join(m.root, 'nope') }, home: m.home, platform: 'linux' });
    expect(wrong).toEqual({ path: null, problem: expect.stringMatching(/^CHROMIUM_PATH is .*nope, which is not an executable file/) });
  });
});
