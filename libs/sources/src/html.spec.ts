import { describe, expect, it } from 'vitest';
import { htmlToText } from './html.ts';

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
