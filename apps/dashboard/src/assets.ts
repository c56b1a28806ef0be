import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface Assets {
  /** The browser code (src/client), bundled into one classic script. */
  appJs: string;
  css: string;
  /** Chart.js' UMD build, as published (it defines `window.Chart`). */
  chartJs: string;
}

/** The page's code: src/client/main.ts and what it imports (the panels' sections, never their definitions), as one classic script. */
export const CLIENT_BUILD = {
  entryPoints: [path.join(here, 'client', 'main.ts')],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
} as const satisfies BuildOptions;

let cached: Promise<Assets> | undefined;

/** The page's scripts and styles, built once per process (esbuild takes ~50 ms). */
export function loadAssets(): Promise<Assets> {
  cached ??= (async () => {
    const bundle = await build(CLIENT_BUILD);
    const chartDist = path.dirname(require.resolve('chart.js'));
    const [css, chartJs] = await Promise.all([
      readFile(path.join(here, 'client', 'style.css'), 'utf8'),
      readFile(path.join(chartDist, 'chart.umd.min.js'), 'utf8'),
    ]);
    return { appJs: bundle.outputFiles[0]!.text, css, chartJs };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}

/** A CSP source expression for an inline script or style: `'sha256-…'`. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
