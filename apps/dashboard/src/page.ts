import { cspHash, type Assets } from './assets.ts';
import type { DashboardData } from './types.ts';

/**
 * The served page's policy: scripts, styles and data only from this server, nothing inline,
 * no frames, no plugins, no form posts elsewhere. Post text is untrusted; even if a bug let
 * some of it into the DOM as markup, it could not run or load anything.
 */
export const SERVER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const shell = (head: string, body = '') => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>social-pulse dashboard</title>
${head}
</head>
<body>
<div id="app" aria-live="polite"></div>
${body}
</body>
</html>
`;

/** The live page: an empty shell; the script fetches /api/dashboard with the URL's filters. */
export function serverPage(): string {
  return shell(
    `<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/chart.umd.min.js" defer></script>
<script src="/assets/app.js" defer></script>`,
  );
}

/** JSON inside <script type="application/json">: no `<` can end the element early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/** Inline script text: `</script` cannot appear (it would close the element). */
const inlineScript = (js: string) => js.replaceAll(/<\/(script)/gi, '<\\/$1');

/**
 * A self-contained report of one view: data, Chart.js and the page's code inlined, under a
 * policy that allows exactly those inline scripts and style (by hash) and nothing else — no
 * network at all, so the file can be mailed or published to a bucket as is.
 */
export function staticPage(assets: Assets, data: DashboardData): string {
  const chart = inlineScript(assets.chartJs);
  const app = inlineScript(assets.appJs);
  const css = assets.css.replaceAll(/<\/(style)/gi, '<\\/$1');
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(chart)} ${cspHash(app)}`,
    `style-src ${cspHash(css)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return shell(
    `<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>${css}</style>`,
    `<script type="application/json" id="pulse-data">${jsonForScript(data)}</script>
<script>${chart}</script>
<script>${app}</script>`,
  );
}
