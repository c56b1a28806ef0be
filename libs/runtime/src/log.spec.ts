import { describe, expect, it } from 'vitest';
import { createLogger, debugEnabled, logFormat } from './log.ts';
import { registerSecrets } from './secrets.ts';

function capture(format: 'text' | 'json', debug = false) {
  const lines: string[] = [];
  const log = createLogger('load', { level: 'info', format, debug, write: (s) => lines.push(s) });
  return { log, text: () => lines.join('') };
}

const failure = () => new Error('cannot open the warehouse', { cause: new Error('IO Error: not a DuckDB file') });

describe('log lines', () => {
  it('are plain sentences by default: one line per record, no JSON, no stack', () => {
    const { log, text } = capture('text');
    log.warn('could not record the run history');
    log.error({ err: failure() }, 'load failed');
    log.info('loaded 3 files');
    expect(text()).toBe('load: warning: could not record the run history\nload: error: load failed: cannot open the warehouse: IO Error: not a DuckDB file\nload: loaded 3 files\n');
    expect(text()).not.toMatch(/\{"level"|\n\s+at /);
  });

  it('carry the stack with --debug', () => {
    const { log, text } = capture('text', true);
    log.error({ err: failure() }, 'load failed');
    expect(text()).toMatch(/^load: error: load failed: cannot open the warehouse: IO Error: not a DuckDB file\nError: cannot open the warehouse\n\s+at /);
  });

  it('are JSON when asked, still without a stack unless --debug', () => {
    const plain = capture('json');
    plain.log.error({ err: failure() }, 'load failed');
    const rec = JSON.parse(plain.text()) as { level: number; msg: string; err: { message: string; stack?: string } };
    expect(rec).toMatchObject({ level: 50, msg: 'load failed', err: { message: 'cannot open the warehouse: IO Error: not a DuckDB file' } });
    expect(rec.err.stack).toBeUndefined();
    const debug = capture('json', true);
    debug.log.error({ err: failure() }, 'load failed');
    expect((JSON.parse(debug.text()) as { err: { stack: string } }).err.stack).toMatch(/\n\s+at /);
  });

  it('mask secrets in every format', () => {
    registerSecrets(['tok-log-spec-1234']);
    for (const format of ['text', 'json'] as const) {
      const { log, text } = capture(format, true);
      log.warn('sent tok-log-spec-1234');
      log.error({ err: new Error('echoed tok-log-spec-1234') }, 'failed');
      expect(text()).not.toContain('tok-log-spec-1234');
    }
  });

  it('take the format from PULSE_LOG_FORMAT and debug from PULSE_DEBUG', () => {
    expect(logFormat({ PULSE_LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormat({ PULSE_LOG_FORMAT: 'JSON' })).toBe('json');
    // Not a terminal under vitest: plain text unless asked.
    expect(logFormat({})).toBe(process.stderr.isTTY ? 'pretty' : 'text');
    expect(debugEnabled({ PULSE_DEBUG: '1' })).toBe(true);
    expect(debugEnabled({})).toBe(false);
  });
});
