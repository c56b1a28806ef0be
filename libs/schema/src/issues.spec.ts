import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuePath, issueText } from './issues.ts';

const issues = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected issues');
  return r.error.issues;
};

describe('issueText: one line per zod issue', () => {
  const doc = z.strictObject({ sources: z.array(z.strictObject({ tags: z.array(z.string()) })), n: z.number().optional() });

  it('names the place by its path, brackets for list indexes unless dotted, the root for the whole value', () => {
    const [i] = issues(doc, { sources: [{ tags: [1] }] });
    expect(issueText(i!)).toBe('sources[0].tags[0]: Invalid input: expected string, received number');
    expect(issueText(i!, { dotted: true, plain: true })).toBe('sources.0.tags.0: expected string, received number');
    expect(issueText(issues(doc, 'x')[0]!, { root: 'the document' })).toMatch(/^the document: /);
    expect(issuePath([])).toBe('(top level)');
    expect(issuePath(['a', 2, 'b'])).toBe('a[2].b');
  });

  it('lists unknown keys as the caller names them, after the path when there is one', () => {
    expect(issueText(issues(doc, { sources: [], x: 1, y: 2 })[0]!, { unknown: 'key' })).toBe('unknown keys "x", "y"');
    expect(issueText(issues(doc, { sources: [{ tags: [], z: 1 }] })[0]!, { unknown: 'key' })).toBe('sources[0]: unknown key "z"');
    expect(issueText(issues(doc, { sources: [], x: 1, y: 2 })[0]!, { unknown: 'filter', root: 'filters', dotted: true })).toBe('unknown filter "x", "y"');
    // Without `unknown`, zod's own message.
    expect(issueText(issues(doc, { sources: [], x: 1 })[0]!)).toBe('(top level): Unrecognized key: "x"');
  });
});
