import { describe, expect, it } from 'vitest';
import { reportLine } from './report.ts';
import { failedReport, runRow } from './runs.ts';
import { STEP_DEFS, STEPS, stepDef } from './steps.ts';

describe('STEP_DEFS', () => {
  it('lists each step once, and a step needs only steps that run before it', () => {
    expect(new Set(STEPS).size).toBe(STEPS.length);
    for (const [i, def] of STEP_DEFS.entries()) {
      for (const need of def.needs) expect(STEPS.indexOf(need)).toBeLessThan(i);
      expect(stepDef(def.name)).toBe(def);
    }
  });
});

describe('run history helpers', () => {
  it('turn a step that failed without a report into a failed report and its pipeline_runs row', () => {
    const r = failedReport('load', 'the step process was killed by SIGKILL', { startedAt: '2026-11-20T00:00:00.000Z', finishedAt: '2026-11-20T00:00:01.000Z' });
    expect(r).toEqual({
      step: 'load', status: 'failed', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, error: 'the step process was killed by SIGKILL',
      lines: ['load: the step process was killed by SIGKILL'], startedAt: '2026-11-20T00:00:00.000Z', finishedAt: '2026-11-20T00:00:01.000Z',
    });
    expect('retryable' in r).toBe(false);
    expect(failedReport('scrape', 'bad config', { startedAt: 'a', line: 'bad config', retryable: false })).toMatchObject({ retryable: false, lines: ['bad config'] });
    expect(runRow('r1', 'load', r)).toEqual({
      run_id: 'r1', step: 'load', source: '*', started_at: '2026-11-20T00:00:00.000Z', finished_at: '2026-11-20T00:00:01.000Z', status: 'failed',
      rows_in: 0, rows_out: 0, rows_rejected: 0, retries: 0, error: 'the step process was killed by SIGKILL', details: null,
    });
  });

  it('format report lines in one column', () => {
    expect(reportLine('lake-write', '3 raw pages')).toBe('lake-write    3 raw pages');
    expect(reportLine('', 'more')).toBe('              more');
  });
});
