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
  const fast = simpleHtml(html);
  return tidy(fast ? fast.text : toText(html));
}

/** {@link htmlToText} through the full parser always (the reference the fast path is tested against). */
export function parsedHtmlToText(html: string | null | undefined): string {
  return html ? tidy(toText(html)) : '';
}

function tidy(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** What {@link simpleHtml} makes of a fragment: html-to-text's text (before the tidying above) and its anchors. */
export interface SimpleHtml {
  text: string;
  anchors: AnchorInfo[];
}

// The fast path's whole vocabulary. Anything else (another tag or entity, a comment, an
// unquoted `<`, upper case, a self-closing tag, inline tags crossing a paragraph) sends the
// fragment to the full parser. `html.spec.ts` checks both paths agree.
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&apos;': "'" };
const ENTITY = /&(?:amp|lt|gt|quot|#39|#x27|apos);/g;
const TAG = /<(\/?)(p|a|span)((?:\s+[a-z][a-z0-9_:.-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`/]+))?)*)\s*>/y;
const ATTR = /([a-z][a-z0-9_:.-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`/]+)))?/g;
const WHITESPACE = /[ \t\r\n\f]+/g;
// Past this, html-to-text cuts its input (limits.maxInputLength): left to it.
const MAX_FAST = 1_000_000;

/** The text with the fast path's entities decoded, or undefined when it holds another `&` (or a NUL, which the parser rewrites). */
function decodeSimple(text: string): string | undefined {
  if (text.includes('\u0000')) return undefined;
  if (!text.includes('&')) return text;
  const decoded = text.replace(ENTITY, (e) => ENTITIES[e]!);
  // An `&` left over is an entity (or look-alike) the fast path does not know.
  return text.replace(ENTITY, '').includes('&') ? undefined : decoded;
}

function attributes(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(ATTR)) {
    const v = decodeSimple(m[2] ?? m[3] ?? m[4] ?? '');
    if (v === undefined) return undefined;
    // The first of two same-named attributes wins, as in the parser.
    if (!(m[1]! in out)) out[m[1]!] = v;
  }
  return out;
}

let lastHtml: string | undefined;
let lastSimple: SimpleHtml | undefined;

/**
 * The common case of posts' HTML, read without building a DOM: text, paragraphs (`<p>`, which
 * html-to-text renders as blocks separated by one empty line) and inline `<a>` and `<span>`,
 * with the basic entities. Returns exactly what html-to-text (configured as above) and
 * {@link anchors} make of such a fragment, or undefined for anything else, which then goes
 * through the full parser. The last fragment's result is kept, since a normalizer asks for the
 * text and the anchors of the same HTML one after the other.
 */
export function simpleHtml(html: string): SimpleHtml | undefined {
  if (html === lastHtml) return lastSimple;
  let result: SimpleHtml | undefined;
  if (html.length <= MAX_FAST) result = readSimple(html);
  lastHtml = html;
  lastSimple = result;
  return result;
}

function readSimple(html: string): SimpleHtml | undefined {
  const blocks: string[] = [];
  const found: AnchorInfo[] = [];
  const open: string[] = [];
  let block = '';
  const endBlock = () => {
    const text = block.replace(WHITESPACE, ' ').trim();
    if (text) blocks.push(text);
    block = '';
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const text = decodeSimple(lt < 0 ? html.slice(i) : html.slice(i, lt));
    if (text === undefined) return undefined;
    block += text;
    if (lt < 0) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    if (!m) return undefined;
    i = TAG.lastIndex;
    const [, close, name, attrs] = m;
    if (name === 'p') {
      if (open.length) return undefined;
      endBlock();
    } else if (close) {
      if (open.pop() !== name) return undefined;
    } else {
      if (open.includes(name!)) return undefined;
      open.push(name!);
      if (name === 'a') {
        const a = attributes(attrs!);
        if (!a) return undefined;
        if (a.href) found.push({ href: a.href, classes: (a.class ?? '').split(/\s+/).filter(Boolean), rel: (a.rel ?? '').split(/\s+/).filter(Boolean) });
      }
    }
  }
  if (open.length) return undefined;
  endBlock();
  return { text: blocks.join('\n\n'), anchors: found };
}

export interface AnchorInfo {
  href: string;
  classes: string[];
  rel: string[];
}

/** Every `<a href>` of an HTML fragment, with its classes and rel. */
export function anchors(html: string | null | undefined): AnchorInfo[] {
  if (!html) return [];
  const fast = simpleHtml(html);
  if (fast) return fast.anchors.map((a) => ({ ...a, classes: [...a.classes], rel: [...a.rel] }));
  return parsedAnchors(html);
}

/** {@link anchors} through the full parser always (the reference the fast path is tested against). */
export function parsedAnchors(html: string | null | undefined): AnchorInfo[] {
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
