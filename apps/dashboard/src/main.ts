/**
 * The dashboard app: `pulse dashboard` runs this file in its own process.
 *
 *   --config FILE        pulse.config.yaml (warehouse, dashboard.host/port, schedule, sources)
 *   --host H --port N    override dashboard.host / dashboard.port (port 0 = any free port)
 *   --export FILE.html   write a self-contained report of one view and exit
 *   --view QUERY         the view to export or open: `period=30d&source=mastodon`, or a dashboard URL
 *   --open               open the page in the default browser
 */
import { spawn } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, parseDuration, type Config } from '@social-pulse/config';
import { configSecrets } from '@social-pulse/pipeline';
import { PulseError, describeError, registerSecrets } from '@social-pulse/runtime';
import { WarehouseAccess } from './access.ts';
import { loadAssets } from './assets.ts';
import { FilterError, parseFilters, queryFromString } from './filters.ts';
import { staticPage } from './page.ts';
import { loadDashboard, type PanelContext } from './panels.ts';
import { allowedHostsFor, buildServer } from './server.ts';

function contextOf(config: Config): Omit<PanelContext, 'now'> {
  return {
    scheduleSeconds: (parseDuration(config.schedule) ?? 3_600_000) / 1000,
    configuredSources: [...new Set(config.sources.filter((s) => s.enabled).map((s) => s.type))],
  };
}

async function exportReport(config: Config, file: string, view: string): Promise<void> {
  const filters = parseFilters(queryFromString(view));
  const access = WarehouseAccess.of(config.warehouseLocation);
  try {
    const data = await access.use((w) => loadDashboard(w, filters, contextOf(config)));
    const html = staticPage(await loadAssets(), data);
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, html);
    await rename(tmp, file);
    process.stdout.write(`wrote ${file}: ${data.headline.current.posts} posts, ${data.window.start} to ${data.window.end}\n`);
  } finally {
    await access.close();
  }
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not open a browser; visit ${url}\n`));
  child.unref();
}

async function serve(config: Config, host: string, port: number, open: boolean, view: string): Promise<void> {
  const access = WarehouseAccess.of(config.warehouseLocation);
  const app = buildServer({ access, context: contextOf(config), allowedHosts: allowedHostsFor(host) });
  await loadAssets();
  const address = await app.listen({ host, port });
  const url = address;
  process.stdout.write(`dashboard on ${url}  (warehouse ${config.warehouse}; Ctrl-C to stop)\n`);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(`warning: the dashboard listens on ${host}, not only on this machine; it has no authentication\n`);
  }
  if (open) {
    // Validated like any request, so a bad --view is reported here rather than in the page.
    const query = view ? new URLSearchParams(queryFromString(view)) : undefined;
    if (query) parseFilters(Object.fromEntries(query));
    openBrowser(query ? `${url}/?${query}` : url);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await access.close();
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c', default: 'pulse.config.yaml' },
      host: { type: 'string' },
      port: { type: 'string' },
      export: { type: 'string' },
      view: { type: 'string', default: '' },
      open: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const config = await loadConfig(values.config!);
  registerSecrets(configSecrets(config));
  if (values.export) return exportReport(config, values.export, values.view!);
  const host = values.host ?? config.dashboard.host;
  const port = values.port !== undefined ? Number(values.port) : config.dashboard.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PulseError(`--port: expected a port number, got "${values.port}"`, 2);
  await serve(config, host, port, values.open!, values.view!);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  const usage = e instanceof FilterError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`${e instanceof Error && e.name === 'ConfigError' ? e.message : `pulse dashboard: ${describeError(e)}`}\n`);
  process.exitCode = usage || e instanceof Error && e.name === 'ConfigError' ? 2 : e instanceof PulseError ? e.exitCode : 1;
}
