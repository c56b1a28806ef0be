const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30d`, `12h`, `90m`, `2w` → milliseconds, or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * Resolve a `since` setting (an ISO date or a duration back from `now`) to an instant.
 * Returns null for text that is neither, so the validator can name the value.
 */
export function resolveSince(text: string, now: Date): Date | null {
  const ms = parseDuration(text);
  if (ms !== null) return new Date(now.getTime() - ms);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}
