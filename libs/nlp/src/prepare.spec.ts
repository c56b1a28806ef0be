import { describe, expect, it } from 'vitest';
import { hasContent, postText, prepareText } from './prepare.ts';

describe('prepareText', () => {
  it('replaces user handles with @user and links with http, as tweetnlp does', () => {
    expect(prepareText('@alice thanks! see https://example.com/a?b=1 and www.duckdb.org.')).toBe(
      '@user thanks! see http and http.',
    );
    expect(prepareText('cc @bob.bsky.social and @carol@fosstodon.org')).toBe('cc @user and @user');
    expect(prepareText('(see https://x.dev/post)')).toBe('(see http)');
  });

  it('leaves e-mail addresses and a lone @ alone', () => {
    expect(prepareText('write to team@example.com @ noon')).toBe('write to team@example.com @ noon');
  });

  it('normalizes whitespace and removes invisible characters', () => {
    expect(prepareText('  data\n\n engineering\t\u200bis\u00a0fun  ')).toBe('data engineering is fun');
  });

  it('caps characters at a word boundary, never inside a surrogate pair', () => {
    const long = 'word '.repeat(1000);
    const capped = prepareText(long, { maxChars: 100 });
    expect(capped.length).toBeLessThanOrEqual(100);
    expect(capped.endsWith('word')).toBe(true);
    const emoji = 'a'.repeat(19) + '😀' + 'b'.repeat(10);
    const cut = prepareText(emoji, { maxChars: 20 });
    expect(cut).toBe('a'.repeat(19));
    expect(prepareText(long, { maxChars: 0 }).length).toBe(long.trim().length);
  });

  it('puts a title in front of the text', () => {
    expect(postText({ title: 'Ask HN: Airflow or Dagster', text: 'We run 200 DAGs.' })).toBe('Ask HN: Airflow or Dagster. We run 200 DAGs.');
    expect(postText({ title: 'Why?', text: 'Because.' })).toBe('Why? Because.');
    expect(postText({ title: null, text: 'plain' })).toBe('plain');
    expect(postText({ title: 'Only a title', text: ' ' })).toBe('Only a title');
  });

  it('knows when nothing is left to label', () => {
    expect(hasContent(prepareText('https://example.com @someone'))).toBe(false);
    expect(hasContent(prepareText('🔥🔥'))).toBe(false);
    expect(hasContent(prepareText('dbt 1.9 is out http'))).toBe(true);
  });
});
