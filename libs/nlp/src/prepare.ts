/**
 * Text preparation as tweetnlp does it before every model (user handles become `@user`,
 * links become `http`: the cardiffnlp models were trained on tweets prepared that way),
 * plus what posts from other networks need: one line of normalized whitespace, no
 * zero-width characters, and a character cap so that a 40,000-character Reddit post never
 * reaches a tokenizer whole (the tokenizer then truncates to the model's token limit).
 */

/** Characters kept by default: far more than 128 or 512 tokens need. */
export const DEFAULT_MAX_CHARS = 2000;

// @alice, @alice_b, @alice.bsky.social, @alice@fosstodon.org — but not the middle of an e-mail address.
const HANDLE = /(?<![\p{L}\p{N}_.@])@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?/gu;
// http(s) and www. links; closing punctuation that ends a sentence is left in place.
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"]*[^\s<>".,;:!?)\]}'»”]/giu;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

export interface PrepareOptions {
  /** Cap on characters (after normalization); 0 or less disables it. Default 2000. */
  maxChars?: number;
}

/** Cut at `max` characters, at a word boundary when one is near, never inside a surrogate pair. */
function capChars(text: string, max: number): string {
  if (max <= 0 || text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // do not split an emoji in half
  const space = text.lastIndexOf(' ', cut);
  if (space > cut * 0.8) cut = space;
  return text.slice(0, cut).trimEnd();
}

/** The text every model sees, and the text that is hashed to decide whether a post needs labelling again. */
export function prepareText(text: string, opts: PrepareOptions = {}): string {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const normalized = text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(URL, 'http')
    .replace(HANDLE, '@user')
    .replace(/\s+/gu, ' ')
    .trim();
  return capChars(normalized, maxChars);
}

/** A post's text with its title (Reddit, Hacker News, Stack Exchange) in front, as one paragraph. */
export function postText(item: { text: string; title?: string | null }): string {
  const title = item.title?.trim();
  if (!title) return item.text;
  const text = item.text.trim();
  if (!text) return title;
  return /[.!?:]$/u.test(title) ? `${title} ${text}` : `${title}. ${text}`;
}

/** Whether a prepared text holds anything a model could label (letters or digits besides the placeholders). */
export function hasContent(prepared: string): boolean {
  return /[\p{L}\p{N}]/u.test(prepared.replace(/@user|\bhttp\b/g, ''));
}
