import { compile, type HtmlToTextOptions } from 'html-to-text';
import { parseDocument } from 'htmlparser2';

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  // HTML's own whitespace only. html-to-text's default adds U+200B, which turned `gr\u200Beat`
  // into `gr eat`; kept, the text is as its author wrote it (as X and Bluesky texts are), and the
  // NLP step's removal of invisible characters reads it as `great`.
  whitespaceCharacters: ' \t\r\n\f',
  preserveNewlines: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'pre', format: 'block' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
  ],
};

// Compiled once: `convert(html, options)` recompiles the selectors on every call, which was
// 80% of the lake-write step's time (tools/bench/lake-write).
const toText = compile(TEXT_OPTIONS);

/** Plain text of an HTML fragment: tags stripped, entities decoded, whitespace tidied. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  return toText(html)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface AnchorInfo {
  href: string;
  classes: string[];
  rel: string[];
}

/** Every `<a href>` of an HTML fragment, with its classes and rel. */
export function anchors(html: string | null | undefined): AnchorInfo[] {
  if (!html) return [];
  const out: AnchorInfo[] = [];
  const walk = (nodes: ReturnType<typeof parseDocument>['children']) => {
    for (const n of nodes) {
      if (n.type === 'tag') {
        if (n.name === 'a' && n.attribs.href) {
          out.push({
            href: n.attribs.href,
            classes: (n.attribs.class ?? '').split(/\s+/).filter(Boolean),
            rel: (n.attribs.rel ?? '').split(/\s+/).filter(Boolean),
          });
        }
        walk(n.children);
      }
    }
  };
  walk(parseDocument(html, { decodeEntities: true }).children);
  return out;
}

/** Only http(s) URLs, deduplicated in order of first appearance. */
export function httpLinks(urls: Iterable<string | null | undefined>): string[] {
  const seen = new Set<string>();
  for (const u of urls) {
    if (!u) continue;
    try {
      const url = new URL(u);
      if (url.protocol === 'http:' || url.protocol === 'https:') seen.add(url.toString());
    } catch {
      // not a URL: ignored
    }
  }
  return [...seen];
}

const HASHTAG = /(?:^|[^\p{L}\p{N}_&/#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

/** Hashtags written in plain text (`#DataEngineering` → `dataengineering`). */
export function hashtagsInText(text: string): string[] {
  return [...text.matchAll(HASHTAG)].map((m) => m[1]!.toLowerCase());
}

/** Lowercased, deduplicated hashtags without `#`. */
export function normalizeTags(tags: Iterable<string>): string[] {
  return [...new Set([...tags].map((t) => t.replace(/^#/, '').toLowerCase()).filter(Boolean))];
}
