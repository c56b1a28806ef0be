import type { EventRow } from '@social-pulse/schema';
import { describe, expect, it } from 'vitest';
import { alertBody, alertFormat, alertText } from './event-alerts.ts';

const ev: EventRow = {
  event_id: 'abc', kind: 'entity', key: 'creative_work:dune', started_at: '2026-11-20T14:00:00.000Z', last_seen_at: '2026-11-20T15:00:00.000Z',
  observed: 42, expected: 3.5, score: 7.2, status: 'open', detected_at: '2026-11-20T14:30:00.000Z', updated_at: '2026-11-20T15:30:00.000Z',
  notified_at: null, notify_attempts: 0, notify_error: null,
};

describe('event alert bodies', () => {
  it('picks the body by the webhook host unless told', () => {
    expect(alertFormat('https://hooks.slack.com/services/T/B/x', 'auto')).toBe('slack');
    expect(alertFormat('https://discord.com/api/webhooks/1/x', 'auto')).toBe('discord');
    expect(alertFormat('https://discordapp.com/api/webhooks/1/x', 'auto')).toBe('discord');
    expect(alertFormat('https://discord.com/channels/1', 'auto')).toBe('generic');
    expect(alertFormat('https://example.com/hook', 'auto')).toBe('generic');
    expect(alertFormat('https://example.com/hook', 'slack')).toBe('slack');
  });

  it('Slack gets {text}, Discord {content} without mentions, the generic form the fields and a text', () => {
    const text = 'Event: dune (creative work) — 42 posts in the hour of 2026-11-20 14:00 UTC, usually 3.5 (score 7.2)';
    expect(alertText(ev)).toBe(text);
    expect(alertBody(ev, 'slack')).toEqual({ text });
    expect(alertBody(ev, 'discord')).toEqual({ content: text, allowed_mentions: { parse: [] } });
    expect(alertBody(ev, 'generic')).toEqual({
      type: 'social-pulse.event', text,
      event: { event_id: 'abc', kind: 'entity', key: 'creative_work:dune', started_at: ev.started_at, last_seen_at: ev.last_seen_at, observed: 42, expected: 3.5, score: 7.2, status: 'open' },
    });
    expect(alertText({ ...ev, kind: 'hashtag', key: 'rust' })).toMatch(/^Event: #rust — /);
  });

  it('keeps a Discord message within its 2,000 characters', () => {
    const long = alertBody({ ...ev, kind: 'topic', key: 'x'.repeat(3000) }, 'discord') as { content: string };
    expect(long.content).toHaveLength(2000);
  });
});
