import { HttpClient, maskSecrets, maskSecretsDeep, userAgent, VERSION, type Logger } from '@social-pulse/runtime';
import type { RunStatus } from '@social-pulse/schema';
import type { StepName } from './report.ts';

/** What a failed run tells the webhook (JSON). `text` makes Slack- and Mattermost-style hooks show it as is. */
export interface RunNotice {
  text: string;
  run_id: string;
  status: RunStatus;
  started_at: string;
  finished_at: string;
  host: string;
  lake: string;
  warehouse: string;
  failed_step: StepName | null;
  error: string | null;
  not_run: StepName[];
  steps: { step: StepName; status: RunStatus; attempts: number; rows_out: number; error: string | null }[];
}

/**
 * POSTs the notice of a failed run to the configured webhook, once: a delivery that fails is
 * logged and the run's outcome stays what it was (a broken webhook must not fail a run).
 */
export async function notifyWebhook(url: string, notice: RunNotice, opts: { contact?: string; log: Pick<Logger, 'warn'> }): Promise<boolean> {
  const http = new HttpClient({ userAgent: userAgent(VERSION, opts.contact), timeoutMs: 10_000, retries: 2, backoffBaseMs: 500, concurrency: 1 });
  // Messages in the notice were masked where they were made; mask again, the notice leaves the machine.
  const body = maskSecretsDeep(notice);
  try {
    await http.post(url, { json: body, headers: { 'content-type': 'application/json' } });
    return true;
  } catch (e) {
    opts.log.warn(`could not send the failure notice to the webhook: ${maskSecrets((e as Error).message)}`);
    return false;
  }
}
