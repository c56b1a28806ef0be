import { describeError, HttpClient, maskSecrets, maskSecretsDeep, userAgent, VERSION, type Logger } from '@social-pulse/runtime';
import type { EventRow } from '@social-pulse/schema';
import { pendingAlerts, recordAlert, type Warehouse } from '@social-pulse/warehouse';

export type AlertFormat = 'slack' | 'discord' | 'generic';

/** The body a webhook takes, from the setting (`auto`: by the webhook's host). */
export function alertFormat(url: string, setting: AlertFormat | 'auto'): AlertFormat {
  if (setting !== 'auto') return setting;
  const host = new URL(url).hostname.toLowerCase();
  if (host === 'hooks.slack.com') return 'slack';
  if (/(^|\.)discord(app)?\.com$/.test(host) && new URL(url).pathname.startsWith('/api/webhooks/')) return 'discord';
  return 'generic';
}

function what(e: Pick<EventRow, 'kind' | 'key'>): string {
  if (e.kind === 'hashtag') return `#${e.key}`;
  if (e.kind === 'entity') {
    const i = e.key.indexOf(':');
    return i > 0 ? `${e.key.slice(i + 1)} (${e.key.slice(0, i).replace('_', ' ')})` : e.key;
  }
  return `${e.kind} ${e.key}`;
}

const hourOf = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** One line for a person: what spiked, when, how far above its usual. */
export function alertText(e: Pick<EventRow, 'kind' | 'key' | 'started_at' | 'observed' | 'expected' | 'score'>): string {
  return `Event: ${what(e)} — ${e.observed} posts in the hour of ${hourOf(e.started_at)}, usually ${e.expected.toFixed(1)} (score ${e.score.toFixed(1)})`;
}

/**
 * The POST body. Slack's incoming webhooks take `{text}`; Discord's take `{content}` (at most
 * 2,000 characters; `allowed_mentions` empty so that a key such as "@everyone" pings no one);
 * the generic form carries the event's fields beside a `text` (which Mattermost-style hooks show).
 */
export function alertBody(e: EventRow, format: AlertFormat): Record<string, unknown> {
  const text = alertText(e);
  if (format === 'slack') return { text };
  if (format === 'discord') return { content: text.slice(0, 2000), allowed_mentions: { parse: [] } };
  return {
    type: 'social-pulse.event',
    text,
    event: {
      event_id: e.event_id, kind: e.kind, key: e.key, started_at: e.started_at, last_seen_at: e.last_seen_at,
      observed: e.observed, expected: e.expected, score: e.score, status: e.status,
    },
  };
}

export interface AlertOptions {
  webhook: string;
  format: AlertFormat | 'auto';
  contact?: string;
  log: Pick<Logger, 'warn'>;
  /** HTTP retries of one delivery (on 408, 429, 5xx and network errors); default 3. */
  retries?: number;
  /** First backoff step between retries; default 1 s. */
  backoffMs?: number;
  now?: () => Date;
}

export interface AlertResult {
  sent: number;
  failed: number;
  /** Failures, one line each, secrets masked. */
  errors: string[];
}

/**
 * POSTs each open event whose alert was not accepted yet, once, and records the outcome in
 * events (notified_at, or notify_attempts and notify_error). A delivery that fails after its
 * retries is tried again by the next runs, up to MAX_ALERT_ATTEMPTS; it never fails the step.
 * Each outcome is written right after its POST: a crash between the two sends that one alert
 * again on the next run (at least once), never loses it.
 */
export async function sendEventAlerts(w: Warehouse, o: AlertOptions): Promise<AlertResult> {
  const pending = await pendingAlerts(w);
  if (!pending.length) return { sent: 0, failed: 0, errors: [] };
  const format = alertFormat(o.webhook, o.format);
  const http = new HttpClient({ userAgent: userAgent(VERSION, o.contact), timeoutMs: 10_000, retries: o.retries ?? 3, backoffBaseMs: o.backoffMs ?? 1000, concurrency: 1 });
  const out: AlertResult = { sent: 0, failed: 0, errors: [] };
  const now = o.now ?? (() => new Date());
  // Slack's and Discord's webhooks carry their token in the path: kept out of what is recorded and logged.
  const hook = new URL(o.webhook);
  const secretPart = `${hook.pathname}${hook.search}`;
  const hide = (t: string) => (secretPart.length > 1 ? t.split(secretPart).join('/***') : t);
  for (const e of pending) {
    let outcome: Parameters<typeof recordAlert>[2];
    try {
      await http.post(o.webhook, { json: maskSecretsDeep(alertBody(e, format)), headers: { 'content-type': 'application/json' } });
      outcome = { ok: true, at: now() };
      out.sent++;
    } catch (err) {
      const why = hide(maskSecrets(describeError(err)));
      outcome = { ok: false, error: why };
      out.failed++;
      out.errors.push(`${what(e)}: ${why}`);
      o.log.warn(`could not send the alert of event ${e.event_id} (${what(e)}) to the webhook: ${why}`);
    }
    // Not recorded (the warehouse failing now): the next run sends a delivered alert again, or retries a failed one.
    await recordAlert(w, e.event_id, outcome).catch((x: unknown) => o.log.warn(`could not record the alert of event ${e.event_id}: ${describeError(x)}`));
  }
  return out;
}
