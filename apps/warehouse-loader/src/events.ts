import type { Config } from '@social-pulse/config';
import { parseDuration } from '@social-pulse/config';
import { reportLine, sendEventAlerts, type AlertResult } from '@social-pulse/pipeline';
import { describeError, type Logger } from '@social-pulse/runtime';
import { detectEvents, type CountKind, type DetectResult, type Warehouse } from '@social-pulse/warehouse';
import { NLP_WATERMARK, POSTS_WATERMARK } from './load-files.ts';

export interface EventsOutcome {
  lines: string[];
  /** Problems for the step's error (a detector that could not run); a failed webhook is none. */
  problems: string[];
  details: Record<string, unknown>;
}

/** pulse_state: the loader's posts and nlp watermarks when the event detector last recounted. */
const EVENTS_LOADS_STATE = 'events.loads_seen';

const describe = (e: { kind: string; key: string }) => (e.kind === 'hashtag' ? `#${e.key}` : `${e.kind} ${e.key}`);

/**
 * After a load: the event detector over the hours the load touched (in the warehouse's SQL),
 * then, with `notify.events`, one webhook POST per new open event. A webhook that fails is
 * recorded on the event and retried by the next runs; it never fails the step.
 */
export async function detectAndAlert(
  w: Warehouse,
  config: Pick<Config, 'events' | 'notify' | 'contact'>,
  log: Logger,
  now = new Date(),
  alertOpts: { backoffMs?: number; retries?: number } = {},
  /** Run by the load step, whose watermarks say whether anything was loaded since the last pass. */
  afterLoad = false,
): Promise<EventsOutcome> {
  const ev = config.events;
  if (!ev.enabled) return { lines: [], problems: [], details: {} };
  let r: DetectResult;
  try {
    // After a load: what the loader had loaded at the last complete pass. When it has loaded
    // nothing since, no count can have changed, and the pass only closes aged events (an idle run).
    const loads = afterLoad ? `${(await w.getState(POSTS_WATERMARK)) ?? ''} ${(await w.getState(NLP_WATERMARK)) ?? ''}` : undefined;
    const recount = loads === undefined || (await w.getState(EVENTS_LOADS_STATE)) !== loads;
    r = await detectEvents(w, {
      now, kinds: ev.kinds as CountKind[], minCount: ev.minCount, threshold: ev.threshold, minRatio: ev.minRatio,
      closeAfterHours: (parseDuration(ev.closeAfter) ?? 7_200_000) / 3_600_000,
      recount,
    });
    if (loads !== undefined && recount) await w.setState(EVENTS_LOADS_STATE, loads);
  } catch (e) {
    const why = `event detection could not run: ${describeError(e)}`;
    log.error(why);
    return { lines: [reportLine('events', why)], problems: [why], details: { eventsOpened: null } };
  }
  const lines = [
    reportLine('events', `${r.window ? `hours ${r.window.from.slice(0, 13)}h..${r.window.to.slice(0, 13)}h recounted` : 'nothing new to count'}: ${r.opened.length} new, ${r.extended} grown, ${r.closed} closed`),
    ...r.opened.filter((e) => e.status === 'open').slice(0, 10).map((e) => reportLine('', `${describe(e)}: ${e.observed} posts at ${e.started_at.slice(0, 13)}h, usually ${e.expected.toFixed(1)}`)),
  ];
  const details: Record<string, unknown> = { eventsOpened: r.opened.length, eventsExtended: r.extended, eventsClosed: r.closed };
  if (config.notify.events && config.notify.webhook) {
    let a: AlertResult;
    try {
      a = await sendEventAlerts(w, { webhook: config.notify.webhook, format: config.notify.format, ...(config.contact ? { contact: config.contact } : {}), log, now: () => now, ...alertOpts });
    } catch (e) {
      // The warehouse failing to list pending alerts: they stay pending for the next run.
      a = { sent: 0, failed: 0, errors: [`alerts could not be read: ${describeError(e)}`] };
    }
    details.alertsSent = a.sent;
    details.alertsFailed = a.failed;
    if (a.sent || a.errors.length) lines.push(reportLine('', `alerts: ${a.sent} sent${a.errors.length ? `, ${a.failed} failed (retried next run): ${a.errors[0]}` : ''}`));
  }
  return { lines, problems: [], details };
}
