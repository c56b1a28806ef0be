import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

/** cli-progress is loaded only when a bar is shown (on a terminal). */
const load = () => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

export interface Progress {
  /** Set or grow the total (unknown totals can be raised as pages arrive). */
  setTotal(total: number): void;
  increment(by?: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const noop: Progress = { setTotal() {}, increment() {}, stop() {} };

/**
 * A progress bar with rate and ETA on a terminal; nothing at all when stderr is not a
 * terminal (cron, systemd, CI), where the log lines tell the story instead.
 */
export function createProgress(label: string, opts: { total?: number; unit?: string; enabled?: boolean } = {}): Progress {
  const enabled = opts.enabled ?? (Boolean(process.stderr.isTTY) && process.env.PULSE_LOG_LEVEL !== 'silent');
  if (!enabled) return noop;
  const cliProgress = load();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(12)} {bar} {value}/{total} ${opts.unit ?? 'items'} | {rate}/s | ETA {eta_formatted} {note}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let value = 0;
  let stopped = false;
  bar.start(opts.total ?? 0, 0, { rate: '0', note: '' });
  return {
    setTotal: (t) => bar.setTotal(t),
    increment(by = 1, payload = {}) {
      value += by;
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      bar.increment(by, { rate: (value / secs).toFixed(1), note: '', ...payload });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
