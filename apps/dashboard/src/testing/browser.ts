import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChromium } from './find-browser.ts';

/** Flags that keep headless Chromium quiet on a closed network (no update, sync or QUIC probes). */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * A fresh Chromium profile. Every request that is not to `allowedOrigin` (or a file:// URL)
 * is answered locally with a stub page, so following a post's link never leaves the machine;
 * the requests are recorded for assertions.
 */
export async function launchBrowser(allowedOrigin: string | null, viewport = { width: 1400, height: 1000 }) {
  // Debian's Chromium in CI (.ci/run installs it); wherever the user has one elsewhere.
  const found = findChromium();
  if (found.path === null) throw new Error(found.problem);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'pulse-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: found.path, headless: true, args: FLAGS, viewport, serviceWorkers: 'block',
  });
  const outside: { url: string; referer: string | undefined }[] = [];
  await context.route(
    (url) => !(url.protocol === 'file:' || url.protocol === 'data:' || (allowedOrigin !== null && url.origin === allowedOrigin)),
    async (route) => {
      const req = route.request();
      outside.push({ url: req.url(), referer: (await req.allHeaders()).referer });
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>stub</title><p>the original post (stub)</p>' });
    },
  );
  return {
    context,
    outside,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
