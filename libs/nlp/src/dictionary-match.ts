import type { EntityType } from '@social-pulse/schema';
import { DATA_DICTIONARY, type DictionaryEntry } from './dictionary.ts';

/** An entity found in a text, with its character span (end exclusive). */
export interface Span {
  type: EntityType;
  text: string;
  score: number;
  start: number;
  end: number;
}

const WORD = '[\\p{L}\\p{N}_]';
// Spaces, hyphens and underscores inside a name are interchangeable, or may be left out.
const SEPARATOR = '[\\s_-]*';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const termPattern = (term: string) => term.trim().split(/[\s_-]+/).map(escape).join(SEPARATOR);
const keyOf = (term: string, caseSensitive: boolean) => {
  const k = term.replace(/[\s_-]+/g, '');
  return caseSensitive ? k : k.toLowerCase();
};

interface Compiled {
  regex: RegExp;
  byKey: Map<string, DictionaryEntry>;
  caseSensitive: boolean;
}

function compile(entries: DictionaryEntry[], caseSensitive: boolean): Compiled | null {
  const byKey = new Map<string, DictionaryEntry>();
  const terms = new Map<string, string>(); // pattern → term
  for (const e of entries) {
    for (const term of [e.name, ...(e.aliases ?? [])]) {
      const key = keyOf(term, caseSensitive);
      if (!key) continue;
      // The first entry to claim a spelling keeps it; "sql mesh" still adds its own pattern.
      if (!byKey.has(key)) byKey.set(key, e);
      const pattern = termPattern(term);
      if (!terms.has(caseSensitive ? pattern : pattern.toLowerCase())) terms.set(caseSensitive ? pattern : pattern.toLowerCase(), term);
    }
  }
  if (!terms.size) return null;
  // Longest first, so that "Looker Studio" wins over "Looker" at the same position.
  const body = [...terms.values()]
    .sort((a, b) => b.length - a.length)
    .map(termPattern)
    .join('|');
  return {
    regex: new RegExp(`(?<!${WORD})(?:${body})(?!${WORD})`, caseSensitive ? 'gu' : 'giu'),
    byKey,
    caseSensitive,
  };
}

/** Finds dictionary entities in text: case-insensitive, on word boundaries, longest match first. */
export class DictionaryMatcher {
  private readonly compiled: Compiled[];
  private readonly excepts: Map<DictionaryEntry, RegExp>;
  /** Every name and alias (lowercase, separators removed) → its entry, to recognise model entities. */
  private readonly lookup = new Map<string, DictionaryEntry>();
  readonly entries: readonly DictionaryEntry[];

  constructor(entries: readonly DictionaryEntry[]) {
    this.entries = entries;
    this.compiled = [
      compile(entries.filter((e) => !e.caseSensitive), false),
      compile(entries.filter((e) => e.caseSensitive), true),
    ].filter((x): x is Compiled => x !== null);
    this.excepts = new Map(
      entries
        .filter((e) => e.except?.length)
        .map((e) => [e, new RegExp(`(?<!${WORD})(?:${e.except!.map(termPattern).join('|')})(?!${WORD})`, 'giu')]),
    );
    for (const e of entries) {
      for (const term of [e.name, ...(e.aliases ?? [])]) {
        const k = keyOf(term, false);
        if (!this.lookup.has(k)) this.lookup.set(k, e);
      }
    }
  }

  /** The entry whose name or alias is exactly `text` (ignoring case and separators), if any. */
  entryFor(text: string): DictionaryEntry | undefined {
    return this.lookup.get(keyOf(text, false));
  }

  /** Every match, in text order, without overlaps (the longer of two overlapping matches wins). */
  match(text: string): Span[] {
    const found: (Span & { entry: DictionaryEntry })[] = [];
    for (const c of this.compiled) {
      for (const m of text.matchAll(c.regex)) {
        const entry = c.byKey.get(keyOf(m[0], c.caseSensitive));
        if (!entry) continue;
        const start = m.index;
        found.push({ type: entry.type, text: entry.name, score: 1, start, end: start + m[0].length, entry });
      }
    }
    found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
    const out: Span[] = [];
    let lastEnd = -1;
    for (const f of found) {
      if (f.start < lastEnd) continue;
      if (this.excluded(text, f)) continue;
      out.push({ type: f.type, text: f.text, score: f.score, start: f.start, end: f.end });
      lastEnd = f.end;
    }
    return out;
  }

  private excluded(text: string, f: { entry: DictionaryEntry; start: number; end: number }): boolean {
    const re = this.excepts.get(f.entry);
    if (!re) return false;
    for (const m of text.matchAll(re)) {
      if (m.index <= f.start && m.index + m[0].length >= f.end) return true;
    }
    return false;
  }
}

/**
 * The built-in dictionary (unless `builtin` is false) with the user's entries added; a user
 * entry whose name matches a built-in one (ignoring case) replaces it.
 */
export function buildDictionary(extra: readonly DictionaryEntry[] = [], opts: { builtin?: boolean } = {}): DictionaryMatcher {
  const byName = new Map<string, DictionaryEntry>();
  for (const e of opts.builtin === false ? [] : DATA_DICTIONARY) byName.set(e.name.toLowerCase(), e);
  for (const e of extra) byName.set(e.name.toLowerCase(), e);
  return new DictionaryMatcher([...byName.values()]);
}
