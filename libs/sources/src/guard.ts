import type { Post } from '@social-pulse/schema';
import type { Normalized } from './types.ts';

/** Longest text a post may have: far above any network's limit, far below what would hurt the lake or the dashboard. */
export const MAX_TEXT_CHARS = 100_000;
/** How far after the fetch a post may be dated (clock skew between servers); later means a bad timestamp. */
export const FUTURE_TOLERANCE_MS = 60 * 60_000;

// Bidi embeddings, overrides and isolates reorder how the text around them is displayed
// (a classic spoofing trick) and carry no meaning of their own: right-to-left scripts do not need them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// C0 and C1 control characters other than tab and newline.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Characters that make two identifiers look alike: zero-width space, non-joiner, joiner, LRM, RLM, word joiner, BOM.
const INVISIBLE = /[\u200B-\u200F\u2060\uFEFF]/g;
// What cleanText and cleanIdent remove, found without replacing (no global flag: no state).
const TEXT_DIRT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const IDENT_DIRT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060\uFEFF]/;

// Half of a surrogate pair: what a text cut in the middle of an emoji leaves. It is not valid
// Unicode, and DuckDB refuses the whole batch of JSON that holds one. Replaced by U+FFFD, as
// String.prototype.toWellFormed does (ES2024, in every Node this project runs on; the lib
// types here stop at ES2023). Checked first with isWellFormed, which allocates nothing: the
// lake writer runs this on every string of every post.
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };
const wellFormed = (s: string) => ((s as WellFormedString).isWellFormed() ? s : (s as WellFormedString).toWellFormed());

/** Every string of the post (and of its lists) as well-formed Unicode. */
function wellFormedPost(p: Post): Post {
  const out: Record<string, unknown> = {};
  const src = p as unknown as Record<string, unknown>;
  for (const k in src) {
    const v = src[k];
    out[k] = typeof v === 'string' ? wellFormed(v) : Array.isArray(v) ? v.map((x: unknown) => (typeof x === 'string' ? wellFormed(x) : x)) : v;
  }
  return out as unknown as Post;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether {@link sanitize} changed anything (the fields it rewrites; the rest it copies). */
function sanitized(before: Post, after: Post): boolean {
  return (
    before.text !== after.text ||
    before.title !== after.title ||
    before.author_name !== after.author_name ||
    before.author_handle !== after.author_handle ||
    before.author_id !== after.author_id ||
    !sameList(before.hashtags, after.hashtags) ||
    !sameList(before.mentions, after.mentions)
  );
}

function cleanText(s: string): string {
  return s.replace(CONTROLS, '').replace(BIDI_CONTROLS, '');
}
function cleanIdent(s: string): string {
  return cleanText(s).replace(INVISIBLE, '').trim();
}

const cleanIdentAlready = (s: string) => !IDENT_DIRT.test(s) && s.trim().length === s.length;
const cleanListAlready = (xs: readonly string[]) => xs.every((x, i) => x.length > 0 && cleanIdentAlready(x) && xs.indexOf(x) === i);

/**
 * Whether the post is already what `sanitize(wellFormedPost(p))` makes of it (the common case,
 * met without copying anything): every string well-formed, nothing to remove, lists without
 * an empty or repeated entry, a display name that needs no fallback.
 */
function cleanAlready(p: Post): boolean {
  const src = p as unknown as Record<string, unknown>;
  for (const k in src) {
    const v = src[k];
    if (typeof v === 'string' ? !(v as WellFormedString).isWellFormed() : Array.isArray(v) && !v.every((x: unknown) => typeof x !== 'string' || (x as WellFormedString).isWellFormed())) return false;
  }
  return (
    !TEXT_DIRT.test(p.text) &&
    (p.title === null || !TEXT_DIRT.test(p.title)) &&
    p.author_name.length > 0 &&
    !TEXT_DIRT.test(p.author_name) &&
    p.author_name.trim().length === p.author_name.length &&
    cleanIdentAlready(p.author_handle) &&
    cleanIdentAlready(p.author_id) &&
    cleanListAlready(p.hashtags) &&
    cleanListAlready(p.mentions)
  );
}

/** The post with invisible and control characters removed where they can only mislead. */
function sanitize(p: Post): Post {
  const list = (xs: string[]) => [...new Set(xs.map(cleanIdent).filter(Boolean))];
  return {
    ...p,
    text: cleanText(p.text),
    title: p.title === null ? null : cleanText(p.title),
    author_name: cleanText(p.author_name).trim() || cleanIdent(p.author_handle),
    author_handle: cleanIdent(p.author_handle),
    author_id: cleanIdent(p.author_id),
    hashtags: list(p.hashtags),
    mentions: list(p.mentions),
  };
}

/**
 * Checks every source applies to what its normalizer made of a page, so that hostile or
 * broken items are counted and reported instead of landing: a date after the fetch, a text
 * too large to be a post, the same id twice on one page with different content. Invisible
 * and direction-control characters are removed from identifiers (and direction controls from
 * text), and text that was not valid UTF-8 is reported. Everything else on the page lands.
 */
export function guardPage(n: Normalized, fetchedAt: string): Normalized {
  const horizon = Date.parse(fetchedAt) + FUTURE_TOLERANCE_MS;
  const out: Normalized = { ...n, posts: [], rejected: [...n.rejected], warnings: [...(n.warnings ?? [])] };
  const seen = new Map<string, Post>();
  let cleaned = 0;
  let replaced = 0;
  for (const raw of n.posts) {
    if (Date.parse(raw.created_at) > horizon) {
      out.rejected.push({ item: raw.native_id, reason: `created_at ${raw.created_at} is in the future (fetched at ${fetchedAt})` });
      continue;
    }
    const size = raw.text.length + (raw.title?.length ?? 0);
    if (size > MAX_TEXT_CHARS) {
      out.rejected.push({ item: raw.native_id, reason: `text of ${size} characters is over the ${MAX_TEXT_CHARS} a post may have` });
      continue;
    }
    let p = raw;
    if (!cleanAlready(raw)) {
      const wf = wellFormedPost(raw);
      p = sanitize(wf);
      if (sanitized(wf, p)) cleaned += 1;
    }
    if (p.text.includes('\uFFFD') || p.author_name.includes('\uFFFD')) replaced += 1;
    const before = seen.get(p.post_id);
    if (before !== undefined) {
      // The same post twice (a status and a boost of it) is one post; two contents under one id are a broken page.
      // (Serialized only here, for the rare repeat: the lake writer runs this on every post.)
      if (JSON.stringify(before) !== JSON.stringify(p)) out.rejected.push({ item: p.native_id, reason: 'the same id appears earlier on this page with different content; the first is kept' });
      continue;
    }
    seen.set(p.post_id, p);
    out.posts.push(p);
  }
  if (cleaned) out.warnings!.push(`${cleaned} ${cleaned === 1 ? 'item' : 'items'}: invisible or direction-control characters removed`);
  if (replaced) out.warnings!.push(`${replaced} ${replaced === 1 ? 'item' : 'items'}: text was not valid UTF-8 or UTF-16 (undecodable bytes and lone surrogates shown as U+FFFD)`);
  if (!out.warnings!.length) delete out.warnings;
  return out;
}
