import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

/**
 * A Cloud Storage JSON API server on 127.0.0.1 for tests: the subset `@google-cloud/storage`
 * uses for buckets and objects (get, list with prefix/startOffset/pageToken, media download
 * with `x-goog-hash`, multipart and resumable uploads with `ifGenerationMatch`, delete).
 * It keeps the live generation of each object in memory and records every request, so
 * tests can assert what the client sent. No emulator can be installed on these machines
 * (the Firebase one needs Java 21); this plays the part with the real semantics that the
 * lake relies on: an object appears only when its upload is finalized, and a failed
 * precondition answers 412.
 */

export interface FakeObject {
  name: string;
  data: Buffer;
  generation: string;
  metageneration: string;
  contentType: string;
  updated: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the optional `/storage/v1` prefix, e.g. `/b/bkt/o` or `/upload/storage/v1/b/bkt/o`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

export interface FakeGcs {
  /** Base URL for `apiEndpoint` / `STORAGE_EMULATOR_HOST`. */
  url: string;
  requests: RecordedRequest[];
  objects(bucket: string): Map<string, FakeObject>;
  /** Answer the next `n` requests matching `match` with `status` (to exercise retries). */
  failNext(match: (r: RecordedRequest) => boolean, status: number, n?: number): void;
  close(): Promise<void>;
}

interface Upload {
  bucket: string;
  name: string;
  query: Record<string, string>;
  contentType: string;
  chunks: Buffer[];
  received: number;
}

const crc32c = (data: Buffer) => {
  const c = new CRC32C();
  c.update(data);
  return c.toString();
};
const md5 = (data: Buffer) => createHash('md5').update(data).digest('base64');

function resource(bucket: string, o: FakeObject) {
  return {
    kind: 'storage#object',
    id: `${bucket}/${o.name}/${o.generation}`,
    name: o.name,
    bucket,
    generation: o.generation,
    metageneration: o.metageneration,
    contentType: o.contentType,
    size: String(o.data.length),
    md5Hash: md5(o.data),
    crc32c: crc32c(o.data),
    updated: o.updated,
    timeCreated: o.updated,
    storageClass: 'STANDARD',
  };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, message: string, reason: string) {
  send(res, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

/** Splits a `multipart/related` body into its parts' bodies. */
function multipartParts(body: Buffer, contentType: string): Buffer[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delim = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delim);
  while (at !== -1) {
    const start = at + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    // Strip the CRLF after the delimiter line's end and before the next delimiter.
    parts.push(part.subarray(headerEnd + 4, part.length - 2));
    at = next;
  }
  return parts;
}

export async function startFakeGcs(opts: { buckets: string[] }): Promise<FakeGcs> {
  const buckets = new Map(opts.buckets.map((b) => [b, new Map<string, FakeObject>()]));
  const uploads = new Map<string, Upload>();
  const requests: RecordedRequest[] = [];
  const failures: { match: (r: RecordedRequest) => boolean; status: number; n: number }[] = [];
  let clock = 1_700_000_000_000_000;
  let base = '';

  /** The precondition GCS evaluates when an object is written or deleted. */
  const preconditionFails = (objs: Map<string, FakeObject>, name: string, q: Record<string, string>) => {
    if (q.ifGenerationMatch === undefined) return false;
    const live = objs.get(name)?.generation ?? '0';
    return live !== q.ifGenerationMatch;
  };

  const finalize = (res: ServerResponse, objs: Map<string, FakeObject>, bucket: string, name: string, data: Buffer, contentType: string, q: Record<string, string>) => {
    if (preconditionFails(objs, name, q)) return apiError(res, 412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    const o: FakeObject = { name, data, generation: String(clock++), metageneration: '1', contentType, updated: new Date().toISOString() };
    objs.set(name, o);
    return send(res, 200, resource(bucket, o));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const p = url.pathname.replace(/^\/storage\/v1(?=\/b\/)/, '');
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: p, query, headers: req.headers, bodyBytes: body.length };
    requests.push(rec);
    const fail = failures.find((f) => f.n > 0 && f.match(rec));
    if (fail) {
      fail.n -= 1;
      return apiError(res, fail.status, 'injected failure', 'backendError');
    }

    let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(p);
    if (m) {
      const bucket = decodeURIComponent(m[1]!);
      const objs = buckets.get(bucket);
      if (!objs) return apiError(res, 404, `The specified bucket does not exist.`, 'notFound');
      if (req.method === 'POST' && query.uploadType === 'multipart') {
        const [metaPart, media] = multipartParts(body, String(req.headers['content-type']));
        const meta = JSON.parse(metaPart!.toString('utf8')) as { name?: string; contentType?: string };
        const name = query.name ?? meta.name;
        if (!name) return apiError(res, 400, 'Required: name', 'required');
        return finalize(res, objs, bucket, name, media ?? Buffer.alloc(0), meta.contentType ?? 'application/octet-stream', query);
      }
      if (req.method === 'POST' && query.uploadType === 'resumable') {
        const meta = body.length ? (JSON.parse(body.toString('utf8')) as { name?: string; contentType?: string }) : {};
        const name = query.name ?? meta.name;
        if (!name) return apiError(res, 400, 'Required: name', 'required');
        if (preconditionFails(objs, name, query)) return apiError(res, 412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
        const id = randomBytes(8).toString('hex');
        const contentType = String(req.headers['x-upload-content-type'] ?? meta.contentType ?? 'application/octet-stream');
        uploads.set(id, { bucket, name, query, contentType, chunks: [], received: 0 });
        return send(res, 200, undefined, { location: `${base}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}` });
      }
      if (req.method === 'PUT' && query.upload_id) {
        const up = uploads.get(query.upload_id);
        if (!up) return apiError(res, 404, 'No such upload', 'notFound');
        // Content-Range: `bytes A-B/T`, `bytes A-*/T` (the rest in one request), or `bytes */T` (a status query).
        const range = /^bytes (\*|(\d+)-(\d+|\*))\/(\d+|\*)$/.exec(String(req.headers['content-range'] ?? ''));
        if (!range) return apiError(res, 400, `bad Content-Range ${req.headers['content-range']}`, 'invalid');
        if (range[1] !== '*') {
          if (Number(range[2]) !== up.received) return apiError(res, 400, `chunk starts at ${range[2]}, expected ${up.received}`, 'invalid');
          up.chunks.push(body);
          up.received += body.length;
        }
        const total = range[4] === '*' ? (range[3] === '*' ? up.received : undefined) : Number(range[4]);
        if (total !== undefined && up.received >= total) {
          uploads.delete(query.upload_id);
          return finalize(res, buckets.get(up.bucket)!, up.bucket, up.name, Buffer.concat(up.chunks), up.contentType, up.query);
        }
        res.writeHead(308, up.received ? { range: `bytes=0-${up.received - 1}` } : {});
        return res.end();
      }
      return apiError(res, 400, `unsupported upload ${req.method} ${url.search}`, 'invalid');
    }

    m = /^\/b\/([^/]+)$/.exec(p);
    if (m && req.method === 'GET') {
      const bucket = decodeURIComponent(m[1]!);
      if (!buckets.has(bucket)) return apiError(res, 404, 'The specified bucket does not exist.', 'notFound');
      return send(res, 200, { kind: 'storage#bucket', id: bucket, name: bucket, location: 'EU', storageClass: 'STANDARD' });
    }

    m = /^\/b\/([^/]+)\/o$/.exec(p);
    if (m && req.method === 'GET') {
      const bucket = decodeURIComponent(m[1]!);
      const objs = buckets.get(bucket);
      if (!objs) return apiError(res, 404, 'The specified bucket does not exist.', 'notFound');
      const prefix = query.prefix ?? '';
      const from = query.pageToken ?? query.startOffset ?? '';
      const max = Math.min(Number(query.maxResults ?? 1000), 1000);
      const names = [...objs.keys()].filter((n) => n.startsWith(prefix) && n >= from).sort();
      const page = names.slice(0, max);
      return send(res, 200, {
        kind: 'storage#objects',
        items: page.map((n) => resource(bucket, objs.get(n)!)),
        ...(names.length > max ? { nextPageToken: names[max] } : {}),
      });
    }

    m = /^\/b\/([^/]+)\/o\/(.+)$/.exec(p);
    if (m) {
      const bucket = decodeURIComponent(m[1]!);
      const objs = buckets.get(bucket);
      if (!objs) return apiError(res, 404, 'The specified bucket does not exist.', 'notFound');
      const name = decodeURIComponent(m[2]!);
      const o = objs.get(name);
      if (!o || (query.generation && query.generation !== o.generation)) return apiError(res, 404, `No such object: ${bucket}/${name}`, 'notFound');
      if (req.method === 'DELETE') {
        if (preconditionFails(objs, name, query)) return apiError(res, 412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
        objs.delete(name);
        return send(res, 204);
      }
      if (req.method === 'GET' && query.alt === 'media') {
        res.writeHead(200, {
          'content-type': o.contentType,
          'content-length': String(o.data.length),
          'x-goog-generation': o.generation,
          'x-goog-stored-content-encoding': 'identity',
          'x-goog-hash': `crc32c=${crc32c(o.data)},md5=${md5(o.data)}`,
        });
        return res.end(o.data);
      }
      if (req.method === 'GET') return send(res, 200, resource(bucket, o));
    }
    return apiError(res, 400, `the fake does not implement ${req.method} ${p}`, 'invalid');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (e) {
        apiError(res, 500, (e as Error).message, 'backendError');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    objects: (bucket) => {
      const objs = buckets.get(bucket);
      if (!objs) throw new Error(`no bucket ${bucket}`);
      return objs;
    },
    failNext: (match, status, n = 1) => failures.push({ match, status, n }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
