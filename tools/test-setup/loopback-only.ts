/**
 * Loaded before every test file: any attempt to resolve or connect to a host that is not
 * loopback fails at once with a clear message, so a test that forgot to point a client at
 * its local server fails instead of sending a packet to the internet.
 */
import dns from 'node:dns';
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|0\.0\.0\.0)$/;

// RFC 6761: names under .invalid never resolve, and resolvers should say so at once. The guard
// answers for them as a resolver would (ENOTFOUND), so that tests of a host that does not resolve
// need neither a network nor a resolver.
const INVALID_TLD = /\.invalid\.?$/i;

function refuse(host: string): Error {
  if (INVALID_TLD.test(host)) {
    const e = new Error(`getaddrinfo ENOTFOUND ${host}`) as NodeJS.ErrnoException;
    e.code = 'ENOTFOUND';
    (e as { hostname?: string }).hostname = host;
    return e;
  }
  const e = new Error(`test tried to reach ${host}: tests may only use loopback (127.0.0.1)`) as NodeJS.ErrnoException;
  e.code = 'ENOTLOOPBACK';
  return e;
}

const lookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function (host: string, ...rest: unknown[]) {
  if (!LOOPBACK.test(host)) {
    const cb = rest.at(-1) as (e: Error) => void;
    process.nextTick(() => cb(refuse(host)));
    return;
  }
  return (lookup as (...a: unknown[]) => unknown).call(dns, host, ...rest);
};
const promisesLookup = dns.promises.lookup;
(dns.promises as { lookup: unknown }).lookup = (host: string, ...rest: unknown[]) =>
  LOOPBACK.test(host) ? (promisesLookup as (...a: unknown[]) => unknown)(host, ...rest) : Promise.reject(refuse(host));

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  // net.connect() hands the prototype method its normalized [options, callback] array.
  const arg0 = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  const first = arg0 as { host?: string; path?: string } | number | string;
  const host = typeof first === 'object' && first !== null ? (first.path ? undefined : (first.host ?? 'localhost')) : typeof first === 'number' ? String(args[1] ?? 'localhost') : undefined;
  if (host !== undefined && !LOOPBACK.test(host) && net.isIP(host)) throw refuse(host);
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
