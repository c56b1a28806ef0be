import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '@social-pulse/schema';
import { openWarehouse } from '@social-pulse/warehouse';
import { eventsCommand } from '../src/commands/events.ts';

const hoursAgo = (h: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - h * 3_600_000).toISOString();
const ev = (id: string, over: Partial<EventRow>): EventRow => ({
  event_id: id, kind: 'hashtag', key: 'rust', started_at: hoursAgo(3), last_seen_at: hoursAgo(2), observed: 80, expected: 10.5, score: 11.9,
  status: 'open', detected_at: hoursAgo(2), updated_at: hoursAgo(2), notified_at: null, notify_attempts: 0, notify_error: null, ...over,
});

async function setup(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-events-cli-'));
  await mkdir(path.join(dir, 'lake'));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, `lake: ${path.join(dir, 'lake')}\nwarehouse: duckdb:${path.join(dir, 'w.duckdb')}\n`);
  const w = await openWarehouse({ kind: 'duckdb', path: path.join(dir, 'w.duckdb') });
  try {
    await w.recordEvents([
      ev('a', {}),
      ev('b', { kind: 'entity', key: 'product:duckdb', started_at: hoursAgo(30), last_seen_at: hoursAgo(29), status: 'closed', notified_at: hoursAgo(29) }),
      ev('c', { key: 'old', started_at: hoursAgo(24 * 30), last_seen_at: hoursAgo(24 * 30), status: 'closed' }),
    ]);
  } finally {
    await w.close();
  }
  return file;
}

const run = async (config: string, o: Parameters<typeof eventsCommand>[1]) => {
  let text = '';
  await eventsCommand({ config }, o, { write: (s: string) => (text += s) });
  return text;
};

describe('pulse events', () => {
  it('prints the events of the period, newest first; --json, --kind and --open filter', async () => {
    const config = await setup();
    const table = await run(config, {});
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^started \(UTC\)\s+last seen\s+status\s+kind\s+key\s+observed\s+expected\s+score\s+alert$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/open\s+hashtag\s+rust\s+80\s+10\.5\s+11\.9\s+-$/);
    expect(lines[2]).toMatch(/closed\s+entity\s+product:duckdb\s+80\s+10\.5\s+11\.9\s+sent$/);

    const json = JSON.parse(await run(config, { json: true, since: '60d' })) as { events: { event_id: string; observed: number; status: string }[] };
    expect(json.events.map((e) => e.event_id)).toEqual(['a', 'b', 'c']);
    expect(json.events[0]).toMatchObject({ kind: 'hashtag', key: 'rust', observed: 80, expected: 10.5, status: 'open', notified_at: null });

    expect(JSON.parse(await run(config, { json: true, kind: 'entity' })).events.map((e: { event_id: string }) => e.event_id)).toEqual(['b']);
    expect(JSON.parse(await run(config, { json: true, open: true })).events.map((e: { event_id: string }) => e.event_id)).toEqual(['a']);
    expect(await run(config, { since: '1h' })).toMatch(/^no events since /);
  });

  it('refuses a bad --since, --kind or --limit with the value named', async () => {
    const config = await setup();
    await expect(run(config, { since: 'yesterday' })).rejects.toThrow(/--since yesterday: expected a duration/);
    await expect(run(config, { kind: 'mood' })).rejects.toThrow(/--kind mood: expected one of hashtag, entity, topic, story/);
    await expect(run(config, { limit: '0' })).rejects.toThrow(/--limit 0/);
  });
});
