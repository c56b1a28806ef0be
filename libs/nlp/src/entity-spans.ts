import type { EntityType, PostNlp } from '@social-pulse/schema';
import type { DictionaryMatcher, Span } from './dictionary-match.ts';

/**
 * Turning per-token NER predictions into entity spans. transformers.js 4 can group B-/I-
 * tokens (`aggregation_strategy: 'simple'`) but returns only the decoded words, without
 * character offsets and lowercased for uncased models; here tokens are grouped into words
 * (a word takes the label of its first piece, like HF's `first` strategy, so a stray
 * I- piece cannot split "Snow ##flake"), words into entities, and each entity is found
 * again in the text so that it is reported as written.
 */

export interface TokenPrediction {
  /** Token id (used to decode the entity text). */
  id: number;
  /** The token as the vocabulary spells it (`##flake`, `Ġflake`, `▁flake`). */
  token: string;
  /** The winning label, e.g. `B-ORG`. */
  label: string;
  score: number;
}

export type PieceScheme = 'wordpiece' | 'bytelevel' | 'metaspace';

/** How a vocabulary marks word starts or continuations. */
export function pieceScheme(vocab: Iterable<string>): PieceScheme {
  let hashes = 0;
  let g = 0;
  let m = 0;
  for (const t of vocab) {
    if (t.startsWith('##')) hashes++;
    else if (t.startsWith('Ġ')) g++;
    else if (t.startsWith('▁')) m++;
  }
  if (g >= hashes && g >= m && g > 0) return 'bytelevel';
  if (m > hashes && m > 0) return 'metaspace';
  return 'wordpiece';
}

function continuesWord(token: string, scheme: PieceScheme, first: boolean): boolean {
  if (first) return false;
  if (scheme === 'wordpiece') return token.startsWith('##');
  if (scheme === 'bytelevel') return !token.startsWith('Ġ') && !/^[^\p{L}\p{N}]/u.test(token);
  return !token.startsWith('▁');
}

function splitTag(label: string): [prefix: string, tag: string] {
  const m = /^([BIESL])-(.+)$/i.exec(label);
  return m ? [m[1]!.toUpperCase(), m[2]!] : [label === 'O' ? 'O' : 'I', label];
}

export interface TokenGroup {
  type: EntityType;
  ids: number[];
  score: number;
}

/**
 * Group one sequence's token predictions (special tokens already removed) into entities.
 * `typeOf` maps a model tag (ORG, person, …) to a tweet-ner7 type, or null to ignore it.
 */
export function groupTokens(
  tokens: readonly TokenPrediction[],
  scheme: PieceScheme,
  typeOf: (tag: string) => EntityType | null,
): TokenGroup[] {
  // 1. Words: a word starts at a token that does not continue the previous one.
  const words: { ids: number[]; label: string; score: number }[] = [];
  tokens.forEach((t, i) => {
    const last = words[words.length - 1];
    if (last && continuesWord(t.token, scheme, i === 0)) last.ids.push(t.id);
    else words.push({ ids: [t.id], label: t.label, score: t.score });
  });
  // 2. Entities: B (or S) opens, I (or E) extends an open entity of the same type.
  const groups: (TokenGroup & { scores: number[]; open: boolean })[] = [];
  for (const w of words) {
    const [prefix, tag] = splitTag(w.label);
    const type = prefix === 'O' ? null : typeOf(tag);
    const open = groups[groups.length - 1];
    if (!type) {
      if (open) open.open = false;
      continue;
    }
    if (open?.open && open.type === type && (prefix === 'I' || prefix === 'E' || prefix === 'L')) {
      open.ids.push(...w.ids);
      open.scores.push(w.score);
      if (prefix === 'E' || prefix === 'L') open.open = false;
    } else {
      if (open) open.open = false;
      groups.push({ type, ids: [...w.ids], score: 0, scores: [w.score], open: prefix !== 'S' });
    }
  }
  return groups.map((g) => ({ type: g.type, ids: g.ids, score: g.scores.reduce((a, b) => a + b, 0) / g.scores.length }));
}

/** Lowercase, accents removed, whitespace dropped; with each kept character's index in the original. */
function foldWithMap(text: string): { folded: string; map: number[] } {
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s/gu, '');
    for (const unit of f) {
      folded += unit;
      for (let k = 0; k < unit.length; k++) map.push(i);
    }
    i += ch.length;
  }
  return { folded, map };
}

/**
 * Find each decoded entity (in order) in `text` and return its span as written there.
 * Entities that cannot be found (an unknown-token piece, say) keep their decoded text and
 * have no span.
 */
export function alignEntities(text: string, decoded: readonly string[]): { text: string; start: number; end: number }[] {
  const { folded, map } = foldWithMap(text);
  let cursor = 0;
  return decoded.map((d) => {
    const needle = foldWithMap(d).folded;
    const at = needle ? folded.indexOf(needle, cursor) : -1;
    if (at < 0) return { text: d.trim(), start: -1, end: -1 };
    cursor = at + needle.length;
    const start = map[at]!;
    const lastChar = map[at + needle.length - 1]!;
    const end = lastChar + (text.codePointAt(lastChar)! > 0xffff ? 2 : 1);
    return { text: text.slice(start, end), start, end };
  });
}

type Entity = PostNlp['entities'][number];

/**
 * Model entities and dictionary matches as one list, without duplicates: a model entity
 * that is a dictionary name, or lies inside a dictionary match, gives way to the dictionary
 * (which knows that Kafka is a product, not a person); one that encloses a match ("Databricks
 * Summit", an event) is kept beside it — except a person, whose name is not a product
 * ("Franz Kafka"). Then one entity per (type, text), highest score, in text order (entities
 * that could not be placed in the text last).
 */
export function mergeEntities(model: readonly Span[], dictionary: readonly Span[], matcher: DictionaryMatcher): Entity[] {
  const inside = (a: Span, b: Span) => b.start >= 0 && a.start >= 0 && b.start <= a.start && a.end <= b.end;
  const kept = model.filter((m) => !matcher.entryFor(m.text) && !dictionary.some((d) => inside(m, d)));
  const people = kept.filter((m) => m.type === 'person');
  const dict = dictionary.filter((d) => !people.some((p) => inside(d, p)));
  const position = (s: Span) => (s.start < 0 ? Number.MAX_SAFE_INTEGER : s.start);
  const all = [...kept, ...dict].sort((a, b) => position(a) - position(b));
  const byKey = new Map<string, Entity>();
  for (const e of all) {
    const key = `${e.type}\u0000${e.text.toLowerCase()}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, { type: e.type, text: e.text, score: round4(e.score) });
    else prev.score = Math.max(prev.score, round4(e.score));
  }
  return [...byKey.values()];
}

export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
