import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer sends bytes as they are (e.g. invalid UTF-8). */
  body: string | Buffer;
}

/**
 * Decides per request whether to answer with a fault instead of the normal reply: a reply,
 * `'hang'` (never answer), or `'reset'` (drop the connection without a response).
 */
export type FaultPlan = (req: { path: string; url: URL; n: number; headers: IncomingMessage['headers'] }) => Reply | 'hang' | 'reset' | undefined;

export interface ReplayServer {
  url: string;
  /** Every request received, in order (path and query). */
  requests: URL[];
  /** The headers of each request, in the same order. */
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

/**
 * A local HTTP server on 127.0.0.1 for tests: routes answer like the real API, and a fault
 * plan can replace any reply (429 with Retry-After, 5xx, malformed bodies, a hang).
 */
export async function startServer(
  route: (url: URL, req: IncomingMessage) => Reply | Promise<Reply>,
  faults?: FaultPlan,
): Promise<ReplayServer> {
  const requests: URL[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    headers.push(req.headers);
    const fault = faults?.({ path: url.pathname, url, n: requests.length - 1, headers: req.headers });
    if (fault === 'hang') {
      hanging.add(res);
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    const done = (r: Reply) => res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', ...r.headers }).end(r.body);
    if (fault) return done(fault);
    Promise.resolve(route(url, req)).then(done, (e: Error) => done({ status: 500, body: JSON.stringify({ error: e.message }) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    headers,
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  body: JSON.stringify(body),
});

/**
 * A reverse proxy on 127.0.0.1 that serves `target` under a path prefix (`/mastodon/api/v1/…`
 * → `/api/v1/…`) and answers 404 to anything outside it, as a proxy or API gateway does.
 * Response headers (a Link header naming the upstream's own host) pass unchanged.
 */
export async function mountUnder(prefix: string, target: ReplayServer): Promise<ReplayServer> {
  const upstream = new URL(target.url);
  const requests: URL[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    headers.push(req.headers);
    if (!url.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${url.pathname}`);
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: `${url.pathname.slice(prefix.length)}${url.search}`, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    headers,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
