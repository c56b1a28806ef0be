import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '@social-pulse/config';
import { createLogger } from '@social-pulse/runtime';
import { openWarehouse, type Warehouse } from '@social-pulse/warehouse';
import { detectAndAlert } from '../src/events.ts';
import { POSTS_WATERMARK } from '../src/load-files.ts';

const HOUR = 3_600_000;
const START = Date.parse('2026-10-05T00:00:00Z');
const HOURS = 3 * 168;
const at = (h: number) => new Date(START + h * HOUR);
const log = createLogger('test', { level: 'silent' } as never);

/** A webhook on loopback: records each POST body and answers with `status()` (200 unless told). */
async function webhook(status: () => number = () => 200): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c));
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.statusCode = status();
      res.end(res.statusCode < 300 ? 'ok' : 'broken');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook/T000/B000/secretpart`, bodies, server };
}

/** `series[i]` posts tagged `tag` in hour `first + i`, collected at `collected`. */
async function plant(w: Warehouse, tag: string, series: readonly number[], collected: Date, first = 0): Promise<void> {
  const values = series.map((n, i) => `(${first + i}, ${n})`).filter((_, i) => series[i]! > 0);
  await w.query(`INSERT INTO posts (post_id, source, native_id, url, kind, author_id, author_handle, author_name, created_at, collected_at, "text", hashtags, mentions, links, queries)
    SELECT 'x:${tag}-' || h || '-' || i, 'x', '${tag}-' || h || '-' || i, 'https://x.com/i', 'post', '1', 'a', 'A',
      TIMESTAMPTZ '${at(0).toISOString()}' + to_hours(h) + to_seconds(i), TIMESTAMPTZ '${collected.toISOString()}', 't', ['${tag}'], [], [], ['q']
    FROM (VALUES ${values.join(', ')}) AS s(h, n), range(n) AS r(i)`);
}

/** Steady counts that vary a little (9, 10, 11, …), so the baseline is ~10 posts an hour. */
const steady = (hours: number) => Array.from({ length: hours }, (_, h) => 9 + (h % 3));

const servers: Server[] = [];
const opened: Warehouse[] = [];
afterEach(async () => {
  for (const w of opened.splice(0)) await w.close();
  for (const s of servers.splice(0)) s.close();
});

async function setup(status?: () => number) {
  const hook = await webhook(status);
  servers.push(hook.server);
  const w = await openWarehouse({ kind: 'duckdb', path: path.join(await mkdtemp(path.join(os.tmpdir(), 'pulse-events-')), 'w.duckdb') });
  opened.push(w);
  const config = configSchema.parse({ notify: { webhook: hook.url, events: true }, events: { kinds: ['hashtag'] } });
  return { hook, w, config };
}

describe('events after a load, with notify.events', () => {
  it('a planted spike: exactly one event and one webhook call; a second run with nothing new sends nothing; a flat series makes none; close then refire sends again', async () => {
    const { hook, w, config } = await setup();
    const series = steady(HOURS);
    series[HOURS - 1] = 80;
    await plant(w, 'spiky', series, at(HOURS - 1));
    await plant(w, 'flat', steady(HOURS), at(HOURS - 1));
    const now = new Date(at(HOURS - 1).getTime() + 20 * 60_000);

    const first = await detectAndAlert(w, config, log, now);
    expect(first.problems).toEqual([]);
    expect(first.details).toMatchObject({ eventsOpened: 1, alertsSent: 1, alertsFailed: 0 });
    expect(hook.bodies).toHaveLength(1);
    // The generic form (a loopback URL is neither Slack nor Discord): a text and the event's fields.
    expect(hook.bodies[0]).toMatchObject({ type: 'social-pulse.event', event: { kind: 'hashtag', key: 'spiky', observed: 80, status: 'open', started_at: at(HOURS - 1).toISOString() } });
    expect((hook.bodies[0] as { text: string }).text).toMatch(/^Event: #spiky — 80 posts in the hour of 2026-10-25 23:00 UTC, usually 1\d\.\d/);
    const [ev] = await w.query<{ notified_at: string | null; notify_attempts: number }>('SELECT notified_at, notify_attempts FROM events');
    expect(ev!.notified_at).toEqual(now.toISOString());
    expect(Number(ev!.notify_attempts)).toBe(1);

    // Nothing new: nothing sent. The event still open an hour later (a steady hour): not sent again.
    await detectAndAlert(w, config, log, now);
    await plant(w, 'spiky', [10], at(HOURS), HOURS);
    await detectAndAlert(w, config, log, new Date(now.getTime() + HOUR));
    expect(hook.bodies).toHaveLength(1);

    // Three quiet hours: closed. Then a new spike: a new event, sent.
    await plant(w, 'spiky', [10, 11, 9], at(HOURS + 3), HOURS + 1);
    const closing = await detectAndAlert(w, config, log, new Date(now.getTime() + 4 * HOUR));
    expect(closing.details).toMatchObject({ eventsClosed: 1 });
    await plant(w, 'spiky', [90], at(HOURS + 4), HOURS + 4);
    const refire = await detectAndAlert(w, config, log, new Date(now.getTime() + 5 * HOUR));
    expect(refire.details).toMatchObject({ eventsOpened: 1, alertsSent: 1 });
    expect(hook.bodies).toHaveLength(2);
    expect(hook.bodies[1]).toMatchObject({ event: { key: 'spiky', observed: 90, started_at: at(HOURS + 4).toISOString() } });
    const rows = await w.query<{ key: string; status: string }>('SELECT "key", status FROM events ORDER BY started_at');
    expect(rows).toEqual([{ key: 'spiky', status: 'closed' }, { key: 'spiky', status: 'open' }]);
  });

  it('after a load that loaded nothing since the last pass, recounts no hour (an idle run); a load moves the watermark, and the next pass recounts', async () => {
    const { w, config } = await setup();
    const series = steady(HOURS);
    series[HOURS - 1] = 80;
    await plant(w, 'spiky', series, at(HOURS - 1));
    await w.setState(POSTS_WATERMARK, 'part-r1-000000.parquet');
    const now = new Date(at(HOURS - 1).getTime() + 20 * 60_000);

    const first = await detectAndAlert(w, config, log, now, {}, true);
    expect(first.lines[0]).toMatch(/recounted: 1 new/);
    const idle = await detectAndAlert(w, config, log, now, {}, true);
    expect(idle.lines[0]).toMatch(/nothing new to count: 0 new, 0 grown, 0 closed/);

    // A load of more posts: the watermark moved, the hours are recounted, the event grows.
    await plant(w, 'spiky', [95], new Date(now.getTime() + HOUR), HOURS);
    await w.setState(POSTS_WATERMARK, 'part-r2-000000.parquet');
    const after = await detectAndAlert(w, config, log, new Date(now.getTime() + HOUR), {}, true);
    expect(after.lines[0]).toMatch(/recounted: 0 new, 1 grown/);
  });

  it('a failing webhook is retried a bounded number of times, recorded on the event, and does not fail the step; a later run delivers it', async () => {
    let failing = true;
    const { hook, w, config } = await setup(() => (failing ? 503 : 200));
    const series = steady(HOURS);
    series[HOURS - 1] = 80;
    await plant(w, 'spiky', series, at(HOURS - 1));
    const now = new Date(at(HOURS - 1).getTime() + 20 * 60_000);

    const r = await detectAndAlert(w, config, log, now, { backoffMs: 1, retries: 2 });
    expect(r.problems).toEqual([]);
    expect(r.details).toMatchObject({ eventsOpened: 1, alertsSent: 0, alertsFailed: 1 });
    // One delivery: the first POST and its 2 retries.
    expect(hook.bodies).toHaveLength(3);
    const [failed] = await w.query<{ notified_at: string | null; notify_attempts: number; notify_error: string }>('SELECT notified_at, notify_attempts, notify_error FROM events');
    expect(failed!.notified_at).toBeNull();
    expect(Number(failed!.notify_attempts)).toBe(1);
    expect(failed!.notify_error).toMatch(/503/);
    // The webhook's path is its secret: not in the record.
    expect(failed!.notify_error).not.toMatch(/secretpart/);

    failing = false;
    const later = await detectAndAlert(w, config, log, now, { backoffMs: 1, retries: 2 });
    expect(later.details).toMatchObject({ alertsSent: 1, alertsFailed: 0 });
    expect(hook.bodies).toHaveLength(4);
    const [sent] = await w.query<{ notified_at: string | null; notify_attempts: number }>('SELECT notified_at, notify_attempts FROM events');
    expect(sent!.notified_at).toEqual(now.toISOString());
    expect(Number(sent!.notify_attempts)).toBe(2);
  });

  it('gives up on an alert after MAX_ALERT_ATTEMPTS deliveries', async () => {
    const { hook, w, config } = await setup(() => 500);
    const series = steady(HOURS);
    series[HOURS - 1] = 80;
    await plant(w, 'spiky', series, at(HOURS - 1));
    const now = new Date(at(HOURS - 1).getTime() + 20 * 60_000);
    for (let i = 0; i < 5; i++) await detectAndAlert(w, config, log, now, { backoffMs: 1, retries: 0 });
    expect(hook.bodies).toHaveLength(3);
  });

  it('without notify.events, events are detected and nothing is sent', async () => {
    const { hook, w } = await setup();
    const config = configSchema.parse({ notify: { webhook: hook.url }, events: { kinds: ['hashtag'] } });
    const series = steady(HOURS);
    series[HOURS - 1] = 80;
    await plant(w, 'spiky', series, at(HOURS - 1));
    const r = await detectAndAlert(w, config, log, new Date(at(HOURS - 1).getTime() + 60_000));
    expect(r.details).toMatchObject({ eventsOpened: 1 });
    expect(hook.bodies).toEqual([]);
  });
});
