import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, rateLimitResetMs } from './http.ts';
import { maskSecrets, registerSecrets } from './secrets.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: ReturnType<typeof createServer>[] = [];
async function serve(handler: Handler): Promise<{ url: string; hits: () => number; agents: string[] }> {
  let n = 0;
  const agents: string[] = [];
  const s = createServer((req, res) => {
    agents.push(String(req.headers['user-agent']));
    handler(req, res, n++);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits: () => n, agents };
}
afterEach(() => servers.splice(0).forEach((s) => s.close()));

const client = (o: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ userAgent: 'social-pulse/test (+https://example.org)', backoffBaseMs: 10, retries: 3, timeoutMs: 2000, ...o });

describe('HttpClient', () => {
  it('honours Retry-After on 429, then succeeds, with an honest User-Agent', async () => {
    const srv = await serve((_q, res, n) => {
      if (n === 0) return res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const c = client();
    const t0 = Date.now();
    const r = await c.get(`${srv.url}/x`);
    expect(r.body).toBe('{"ok":true}');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(c.retries).toBe(1);
    expect(srv.agents[0]).toBe('social-pulse/test (+https://example.org)');
  });

  it('retries 5xx with backoff and gives up with a clear error after the limit', async () => {
    const srv = await serve((_q, res) => res.writeHead(503).end('down'));
    const c = client({ retries: 2 });
    await expect(c.get(`${srv.url}/y`)).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/y failed after 2 retries: HTTP 503: down/);
    expect(srv.hits()).toBe(3);
  });

  it('does not retry a 404 or a 401', async () => {
    const srv = await serve((_q, res) => res.writeHead(401).end('{"error":"unauthorized"}'));
    await expect(client().get(`${srv.url}/z`)).rejects.toThrow(/HTTP 401/);
    expect(srv.hits()).toBe(1);
  });

  it('times out a server that hangs, retries, then fails', async () => {
    const srv = await serve(() => undefined);
    await expect(client({ timeoutMs: 200, retries: 1 }).get(`${srv.url}/hang`)).rejects.toThrow(/ETIMEDOUT|timeout/i);
    expect(srv.hits()).toBe(2);
  });

  it('waits out an exhausted rate-limit window before the next request', async () => {
    const srv = await serve((_q, res, n) =>
      res.writeHead(200, n === 0 ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' } : {}).end('{}'),
    );
    const c = client();
    await c.get(srv.url);
    const t0 = Date.now();
    await c.get(srv.url);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('reads each network’s reset header', () => {
    const now = Date.parse('2026-11-24T00:00:00Z');
    expect(rateLimitResetMs({ 'x-ratelimit-reset': '30' }, now)).toBe(30_000);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': String(now / 1000 + 60) }, now)).toBe(60_000);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': '2026-11-24T00:05:00.000Z' }, now)).toBe(300_000);
  });

  it('masks registered secrets and bearer tokens', () => {
    registerSecrets(['s3cr3t-token']);
    expect(maskSecrets('url?x=1 and s3cr3t-token')).toBe('url?x=1 and ***');
    expect(maskSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer ***');
    expect(maskSecrets('{"accessJwt":"eyJ.x.y"}')).toBe('{"accessJwt":"***"}');
  });
});

describe('a host that does not resolve', () => {
  /** A resolver that fails every lookup with `code`, counting them. */
  const failingLookup = (code: string) => {
    const calls: string[] = [];
    const lookup: LookupFunction = (host, _options, cb) => {
      calls.push(host);
      const e = new Error(`getaddrinfo ${code} ${host}`) as NodeJS.ErrnoException;
      e.code = code;
      process.nextTick(() => cb(e, '', 4));
    };
    return { calls, lookup };
  };

  it('is retried once, quickly, then every request to it fails at once for the rest of the client’s life', async () => {
    const dns = failingLookup('ENOTFOUND');
    // A 60 s backoff step: were the retry not the quick one, the test would time out.
    const c = client({ retries: 5, backoffBaseMs: 60_000, lookup: dns.lookup });
    await expect(c.get('https://api.example.com/2/tweets/search/recent?query=x')).rejects.toThrow(
      /^host not found: api\.example\.com \(ENOTFOUND, GET https:\/\/api\.example\.com\/2\/tweets\/search\/recent; retried once, not asked again this run\)$/,
    );
    expect(dns.calls).toEqual(['api.example.com', 'api.example.com']);
    expect(c.retries).toBe(1);
    await expect(c.post('https://api.example.com/other')).rejects.toThrow(/^host not found: api\.example\.com \(ENOTFOUND, POST https:\/\/api\.example\.com\/other; not asked again this run\)$/);
    expect(dns.calls).toHaveLength(2);
  });

  it('treats a temporary resolver failure (EAI_AGAIN) the same way, and says so', async () => {
    const dns = failingLookup('EAI_AGAIN');
    const c = client({ retries: 5, lookup: dns.lookup });
    await expect(c.get('https://bsky.social/xrpc/x')).rejects.toThrow(/^DNS lookup failed: bsky\.social \(EAI_AGAIN, a temporary resolver failure, GET https:\/\/bsky\.social\/xrpc\/x; retried once, not asked again this run\)$/);
    expect(dns.calls).toHaveLength(2);
  });

  it('under the test guard, a name under .invalid fails as not found, without a packet sent', async () => {
    const c = client({ retries: 5 });
    await expect(c.get('http://api.example.invalid/x')).rejects.toThrow(/^host not found: api\.example\.invalid \(ENOTFOUND/);
    expect(c.retries).toBe(1);
  });
});

describe('the test network guard (tools/test-setup/loopback-only.ts)', () => {
  it('refuses to resolve or connect beyond loopback', async () => {
    await expect(client({ retries: 0 }).get('https://hn.algolia.com/api/v1/search')).rejects.toThrow(/ENOTLOOPBACK/);
    await expect(client({ retries: 0 }).get('http://1.1.1.1/')).rejects.toThrow(/ENOTLOOPBACK/);
  });
});
