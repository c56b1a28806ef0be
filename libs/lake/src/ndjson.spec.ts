import { seededRandom } from '@social-pulse/runtime';
import { describe, expect, it } from 'vitest';
import { jsonLines, jsonLinesUtf8 } from './ndjson.ts';

const encoder = new TextEncoder();
const expected = (rows: readonly object[]) => encoder.encode(jsonLines(rows));

// Pieces of text that UTF-8 encodes in 1, 2, 3 and 4 bytes, escapes, and lone surrogates.
const PIECES = ['a', 'data ', 'é', 'ß', '€', '中文', '😀', '👩‍💻', '"', '\\', '\n', '\t', '\u0001', '\u2028', '\ud800', '\udfff', 'x\ud83d', '<p>', ' '];

function text(rnd: () => number, max: number): string {
  let s = '';
  const n = Math.floor(rnd() * max);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
}

describe('jsonLinesUtf8', () => {
  it('gives exactly the bytes of jsonLines encoded as UTF-8, on random rows', () => {
    const rnd = seededRandom(20);
    for (let round = 0; round < 300; round++) {
      const rows = Array.from({ length: Math.floor(rnd() * 40) }, (_, i) => ({
        post_id: `x:${i}`,
        text: text(rnd, 60),
        title: rnd() < 0.5 ? null : text(rnd, 10),
        like_count: rnd() < 0.3 ? null : Math.floor(rnd() * 1e6),
        hashtags: Array.from({ length: Math.floor(rnd() * 4) }, () => text(rnd, 5)),
        extra: rnd() < 0.5 ? null : JSON.stringify({ k: text(rnd, 8) }),
      }));
      expect(Buffer.from(jsonLinesUtf8(rows)).equals(Buffer.from(expected(rows)))).toBe(true);
    }
  });

  it('handles no rows, and rows larger than its scratch buffer', () => {
    expect(jsonLinesUtf8([]).byteLength).toBe(0);
    // 3 MB of 3-byte characters in one row, and 4 MB in another after it: the scratch buffer grows.
    const rows = [{ text: '€'.repeat(1_000_000) }, { text: 'ü'.repeat(2_000_000) }, { n: 1 }];
    expect(Buffer.from(jsonLinesUtf8(rows)).equals(Buffer.from(expected(rows)))).toBe(true);
    const small = [{ text: 'after a large one' }];
    expect(Buffer.from(jsonLinesUtf8(small)).equals(Buffer.from(expected(small)))).toBe(true);
  });

  it('returns bytes that own their whole buffer and are not overwritten by the next call', () => {
    const a = jsonLinesUtf8([{ a: 'first' }]);
    const b = jsonLinesUtf8([{ a: 'second, longer' }]);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.byteLength);
    expect(new TextDecoder().decode(a)).toBe('{"a":"first"}\n');
    expect(new TextDecoder().decode(b)).toBe('{"a":"second, longer"}\n');
  });
});
