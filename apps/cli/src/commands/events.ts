import { resolveSince } from '@social-pulse/config';
import { PulseError, maskSecretsDeep } from '@social-pulse/runtime';
import { EVENT_KINDS } from '@social-pulse/schema';
import { RECENT_EVENTS_SQL, rowsOrNone } from '@social-pulse/warehouse';
import { openWarehouseToRead } from '../read-warehouse.ts';

export interface EventsOptions {
  json?: boolean;
  since?: string;
  kind?: string;
  open?: boolean;
  limit?: string;
}

export interface EventLine {
  event_id: string;
  kind: string;
  key: string;
  started_at: string;
  last_seen_at: string;
  observed: number;
  expected: number;
  score: number;
  status: string;
  notified_at: string | null;
}

/** The table `pulse events` prints: newest first, one line per event. */
export function formatEvents(events: readonly EventLine[], since: string): string {
  if (!events.length) return `no events since ${since}\n`;
  const lines = [`started (UTC)     last seen         status  kind     ${'key'.padEnd(30)} observed  expected  score  alert`];
  for (const e of events) {
    const hour = (t: string) => `${t.slice(0, 10)} ${t.slice(11, 16)}`;
    lines.push(
      `${hour(e.started_at)}  ${hour(e.last_seen_at)}  ${e.status.padEnd(6)}  ${e.kind.padEnd(7)}  ${e.key.slice(0, 30).padEnd(30)} ${String(e.observed).padStart(8)}  ` +
        `${e.expected.toFixed(1).padStart(8)}  ${e.score.toFixed(1).padStart(5)}  ${e.notified_at ? 'sent' : '-'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `pulse events`: the recent spikes the detector found (see README, Events). */
export async function eventsCommand(g: { config: string }, o: EventsOptions, out: { write(s: string): unknown } = process.stdout): Promise<void> {
  const now = new Date();
  const sinceText = o.since ?? '7d';
  const since = resolveSince(sinceText, now);
  if (!since) throw new PulseError(`--since ${sinceText}: expected a duration such as 24h or 7d, or a date such as 2026-11-01`, 2);
  if (o.kind !== undefined && !(EVENT_KINDS as readonly string[]).includes(o.kind)) throw new PulseError(`--kind ${o.kind}: expected one of ${EVENT_KINDS.join(', ')}`, 2);
  const limit = o.limit === undefined ? 50 : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new PulseError(`--limit ${o.limit}: expected a whole number from 1 to 10000`, 2);
  const { w } = await openWarehouseToRead(g.config);
  try {
    // A warehouse made by an older version has no events table until its next load.
    const events = await rowsOrNone('events', w.query<EventLine>(RECENT_EVENTS_SQL, { since: since.toISOString(), kind: o.kind ?? null, openOnly: o.open ?? false, limit }));
    if (o.json) out.write(`${JSON.stringify(maskSecretsDeep({ since: since.toISOString(), events }), null, 2)}\n`);
    else out.write(formatEvents(events, since.toISOString()));
  } finally {
    await w.close();
  }
}
