import { maskSecrets } from '@social-pulse/runtime';
import { STATUS_SQL, type DialectSql } from '@social-pulse/warehouse';
import { QUALITY_TABLE } from '../../sql.ts';
import { definePanel, type Row } from '../define.ts';
import { iso, num, numOrNull, str, strOrNull } from '../values.ts';

/** The checks of the latest run that ran data-quality checks (table dq_checks). */
export interface QualityReport {
  runId: string;
  checkedAt: string;
  checks: {
    check: string;
    source: string;
    status: string;
    severity: string;
    observed: number | null;
    expected: string | null;
    message: string | null;
  }[];
}

/** The checks of the latest run that ran any: shared with `pulse status`. */
export const QUALITY: DialectSql = STATUS_SQL.quality;

const maskOrNull = (s: string | null) => (s === null ? null : maskSecrets(s));

/** The data-quality panel: shown when the warehouse has a checks table, absent (null) otherwise. */
export const quality = definePanel({
  name: 'quality',
  sql: { raw: QUALITY },
  async load(c): Promise<QualityReport | null> {
    // A catalogue the account may not read, or a dialect quirk, must not take the page down.
    const found = await c.run('qualityTable', QUALITY_TABLE, {}, { gate: true }).catch((): Row[] => []);
    if (!found[0] || num(found[0].n) === 0) return null;
    const rows = await c.query();
    if (!rows.length) return null;
    return {
      runId: str(rows[0]!.run_id),
      checkedAt: rows.reduce((m, r) => ((iso(r.checked_at) ?? '') > m ? (iso(r.checked_at) ?? '') : m), ''),
      checks: rows.map((r) => ({
        check: str(r.check_name),
        source: str(r.source),
        status: str(r.status),
        severity: str(r.severity),
        observed: numOrNull(r.observed),
        expected: strOrNull(r.expected),
        // An error quotes what a server answered: masked like a log line.
        message: maskOrNull(strOrNull(r.message)),
      })),
    };
  },
});
