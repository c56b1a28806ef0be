import { describe, expect, it } from 'vitest';
import { anchors, htmlToText, parsedAnchors, parsedHtmlToText, simpleHtml } from './html.ts';
import { awkwardHits, awkwardStatuses, mastodonStatus, statusRun } from './testing/fixtures.ts';
import { awkwardRedditLinks, redditRun } from './testing/fixtures-reddit.ts';
import { awkwardQuestions, seRun } from './testing/fixtures-stackexchange.ts';

describe('htmlToText', () => {
  it('keeps a zero-width space where it was instead of turning it into a space', () => {
    // html-to-text counts U+200B as whitespace by default; HTML does not (space, tab, LF, FF, CR).
    expect(htmlToText('<p>gr\u200Beat</p>')).toBe('gr\u200Beat');
    expect(htmlToText('<p>a\u200B b</p>')).toBe('a\u200B b');
    // Joiners inside words and emoji sequences are text too.
    expect(htmlToText('<p>👩\u200D💻 می\u200Cخواهم</p>')).toBe('👩\u200D💻 می\u200Cخواهم');
  });

  it('still collapses HTML whitespace', () => {
    expect(htmlToText('<p>a \t\r\n\f  b</p><p>c</p>')).toBe('a b\n\nc');
  });
});

describe('the fast path of simple HTML', () => {
  // Collects every string of a fixture that a normalizer reads as HTML or as a title/name.
  const strings = (v: unknown, out: string[] = []): string[] => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) strings(x, out);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
    return out;
  };
  const t0 = 1_763_942_400;
  const fixtures = strings([
    awkwardStatuses('m.example'),
    statusRun(3, 'm.example'),
    awkwardHits(t0),
    awkwardQuestions(t0),
    seRun(2, t0),
    awkwardRedditLinks(t0),
    redditRun(2, t0),
  ]);

  // Inputs the fast path reads itself (checked below, so that it cannot silently stop running).
  const simple = [
    'plain  text\n here',
    '<p>a</p><p>b</p>',
    '<p>a</p>\n<p>b</p>',
    '<p> a <a href="x">b</a> c </p>',
    '<p>a<span>b</span>c</p>',
    '<p>a &amp; b &lt; &gt; &#39; &#x27; &apos; &quot; x</p>',
    'x <p>a</p> y',
    'a<p></p>b',
    'text<p>more',
    '<p>a<p>b</p>c</p>',
    '<p>a</p></p>b',
    '<p> </p><p>x</p><p> </p>',
    '<span>a</span><p>b</p>',
    '<p>a</p> <a href="x">l</a> b',
    '\n<p>a</p>\n\n<p>b\nc</p>\n',
    '<p class="x" data-a=\'1>\'>a</p>',
    '<p>a \u00a0 b\u3000c \u200B d</p>',
    '<p>gr\u200Beat 👩\u200D💻 می\u200Cخواهم</p>',
    '<p>#<span>tag</span> <a href="https://m.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a></p>',
    '<p><a href="https://x.y/?a=1&amp;b=2" class=" mention  u-url " rel="nofollow noopener noreferrer" target=_blank>x</a><a>no href</a><a href="">empty</a></p>',
    '<p><a href=\'https://q.example/it&#39;s\' href="https://second.example">q</a></p>',
    '<p>\u202Egnp.exe\u202C مرحبا</p>',
    '<p>a\tb\r\nc\fd</p>',
    '   ',
    '<p></p>',
  ];
  // Inputs the fast path leaves to the parser, each for one of its reasons.
  const parsed = [
    '<p>a<br>b</p>',
    '<p>a</p><pre><code>SELECT *  FROM x;</code></pre>',
    '<P>x</P>',
    '<p>a<span>b</p>c</span>',
    '<a href="x"><p>a</p></a>',
    '<p>a<a href="x">b<a href="y">c</a></a></p>',
    'R&D',
    '&copy',
    'a &amp b',
    '<p>Нужен пример DAG &mdash; спасибо!</p>',
    '<p>&#65;&#x42;</p>',
    '<a href="https://x.y/?a=1&copy=3">t</a>',
    'a < b',
    'a\u0000b',
    '<!-- c --><p>x</p>',
    '<p/>x',
    '<a href="x"class="y">z</a>',
    '<div><p>x</p></div>',
    '<p>a</span>b</p>',
    '<p><span>a</p>',
  ];

  it.each([...simple, ...parsed, ...fixtures])('gives what the full parser gives: %j', (html) => {
    expect(htmlToText(html)).toBe(parsedHtmlToText(html));
    expect(anchors(html)).toEqual(parsedAnchors(html));
  });

  it('reads the simple inputs itself and leaves the others to the parser', () => {
    for (const html of simple) expect(simpleHtml(html), html).toBeDefined();
    for (const html of parsed) expect(simpleHtml(html), html).toBeUndefined();
    // The content the generator and Mastodon's own fixtures produce is the common case it is for.
    expect(simpleHtml(mastodonStatus('1', 'm.example').content as string)).toBeDefined();
  });

  it('agrees with the parser on random mixes of simple and awkward pieces', () => {
    const pieces = ['<p>', '</p>', '<a href="https://e.x/?a=1&amp;b=2" class="mention hashtag" rel="tag">', '</a>', '<span class="invisible">', '</span>', 'word', ' ', '\n', '\t', '  ', '&amp;', '&lt;', '&quot;', '&#39;', '\u00a0', 'é', '🦆', '#tag', '<br>', '&mdash;', '<b>', '</b>', '<', '&', '\u200B'];
    let seed = 42;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed / 2 ** 31);
    let fast = 0;
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(next() * 14);
      let html = '';
      for (let k = 0; k < len; k++) html += pieces[Math.floor(next() * pieces.length)];
      if (simpleHtml(html)) fast += 1;
      expect(htmlToText(html), JSON.stringify(html)).toBe(parsedHtmlToText(html));
      expect(anchors(html), JSON.stringify(html)).toEqual(parsedAnchors(html));
    }
    // Both paths were exercised.
    expect(fast).toBeGreaterThan(300);
    expect(fast).toBeLessThan(2700);
  });
});
