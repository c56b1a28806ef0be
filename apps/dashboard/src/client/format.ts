const nf = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const fmt = (n: number): string => nf.format(Math.round(n));
export const fmtCompact = (n: number): string => (Math.abs(n) < 10_000 ? fmt(n) : compact.format(n));

/** `+25%`, `−10%`, `new` (nothing before), `±0%`. */
export function change(current: number, previous: number): { text: string; dir: 'up' | 'down' | 'flat' } {
  if (previous === 0) return current === 0 ? { text: '±0%', dir: 'flat' } : { text: 'new', dir: 'up' };
  const pct = ((current - previous) / previous) * 100;
  const r = Math.round(pct);
  if (r === 0) return { text: '±0%', dir: 'flat' };
  return { text: `${r > 0 ? '+' : '−'}${fmt(Math.abs(r))}%`, dir: r > 0 ? 'up' : 'down' };
}

/** `2026-11-23 10:05 UTC`: one time zone for everyone looking at a shared view. */
export function utc(isoText: string): string {
  return `${isoText.slice(0, 10)} ${isoText.slice(11, 16)} UTC`;
}

/** `3 min`, `5 h`, `2 d`. */
export function age(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

export function periodLabel(period: string): string {
  const m = /^(\d+)([hd])$/.exec(period);
  if (!m) return period;
  const n = Number(m[1]);
  return `${n} ${m[2] === 'h' ? (n === 1 ? 'hour' : 'hours') : n === 1 ? 'day' : 'days'}`;
}

/** Axis label of a bucket: the day, or the hour for hourly buckets. */
export function bucketLabel(isoText: string, bucketSeconds: number): string {
  return bucketSeconds < 86400 ? `${isoText.slice(5, 10)} ${isoText.slice(11, 13)}h` : isoText.slice(0, 10);
}
