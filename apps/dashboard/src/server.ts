import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { WarehouseAccess } from './access.ts';
import { WarehouseNotReady } from './access.ts';
import { WarehouseBusy } from '@social-pulse/warehouse';
import { loadAssets } from './assets.ts';
import { FilterError, parseFilters } from './filters.ts';
import { SERVER_CSP, serverPage, staticPage } from './page.ts';
import { loadDashboard, type PanelContext } from './panels.ts';

export interface ServerOptions {
  access: WarehouseAccess;
  context: Omit<PanelContext, 'now'>;
  /** The clock (tests pin it). */
  now?: () => Date;
  /** Host names the server answers to; empty = any (set when bound to a public address). */
  allowedHosts?: string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Host names a server bound to `host` accepts in the Host header (DNS-rebinding guard). */
export function allowedHostsFor(host: string): string[] {
  return LOOPBACK_NAMES.includes(host) || host === '::1' ? LOOPBACK_NAMES : [];
}

function sendError(reply: FastifyReply, e: unknown) {
  if (e instanceof FilterError) return reply.code(400).send({ error: e.message, problems: e.problems });
  if (e instanceof WarehouseNotReady || e instanceof WarehouseBusy) return reply.code(503).send({ error: e.message });
  reply.log.error({ err: e }, 'dashboard query failed');
  return reply.code(500).send({ error: `the warehouse query failed: ${(e as Error).message}` });
}

/**
 * The dashboard's HTTP server: the page, its assets, and a JSON API with every panel of one
 * view (`GET /api/dashboard?period=7d&source=…`). Read-only: nothing here writes anywhere.
 */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const now = opts.now ?? (() => new Date());
  const allowed = new Set(opts.allowedHosts ?? []);

  app.addHook('onRequest', async (req, reply) => {
    // A page on another site could point a name at 127.0.0.1 (DNS rebinding) and read the
    // API; a loopback server therefore answers only to loopback names.
    if (allowed.size) {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!allowed.has(host)) return reply.code(421).type('text/plain').send('unexpected Host header');
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('Content-Security-Policy', SERVER_CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(serverPage()));
  app.get('/assets/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send((await loadAssets()).appJs));
  app.get('/assets/app.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send((await loadAssets()).css));
  app.get('/assets/chart.umd.min.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send((await loadAssets()).chartJs));
  app.get('/healthz', async () => ({ ok: true }));

  const view = async (query: unknown) => {
    const t = now();
    const filters = parseFilters(query, t);
    return opts.access.use((w) => loadDashboard(w, filters, { ...opts.context, now: t }));
  };

  app.get('/api/dashboard', async (req, reply) => {
    try {
      return reply.send(await view(req.query));
    } catch (e) {
      return sendError(reply, e);
    }
  });

  // The same view as a self-contained file, for sharing (the page's "Export" link).
  app.get('/export.html', async (req, reply) => {
    try {
      const data = await view(req.query);
      const day = data.window.end.slice(0, 10);
      return reply
        .type('text/html; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="social-pulse-${day}.html"`)
        .send(staticPage(await loadAssets(), data));
    } catch (e) {
      return sendError(reply, e);
    }
  });

  return app;
}
