import { el } from '../../client/dom.ts';
import { utc } from '../../client/format.ts';
import { defineSection, section, table } from '../../client/section.ts';

/** Absent when the warehouse has no checks. */
export const qualitySection = defineSection('quality', (quality) =>
  quality
    ? section('quality', 'Data quality',
        el('p', { class: 'note' }, `${quality.checks.filter((c) => c.status === 'fail').length} of ${quality.checks.length} checks failed · run ${quality.runId} · ${utc(quality.checkedAt)}`),
        table('quality', ['check', 'source', 'status', 'severity', 'observed', 'expected', 'message'],
          quality.checks.map((c) => [c.check, c.source, el('span', { class: `dq-${c.status}` }, c.status), c.severity,
            c.observed === null ? '' : c.observed.toLocaleString('en-US', { maximumFractionDigits: 2 }), c.expected ?? '', c.message ?? '']), [4]))
    : null,
);
