import { describe, expect, it } from 'vitest';
import { configSchema } from './schema.ts';

describe('events and notify.events settings', () => {
  it('default to detection on (hashtag, entity, topic), alerts off', () => {
    const c = configSchema.parse({});
    expect(c.events).toEqual({ enabled: true, kinds: ['hashtag', 'entity', 'topic'], minCount: 5, threshold: 5, minRatio: 2, closeAfter: '2h' });
    expect(c.notify).toEqual({ events: false, format: 'auto' });
  });

  it('refuse a wrong value with its path', () => {
    const issues = (v: unknown) => configSchema.safeParse(v).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ events: { closeAfter: '2d' } })).toEqual(['events.closeAfter: expected a number of hours such as 2h']);
    expect(issues({ events: { kinds: ['mood'] } })[0]).toMatch(/^events\.kinds\.0: expected hashtag, entity, topic or story/);
    expect(issues({ events: { minRatio: 0.5 } })[0]).toMatch(/^events\.minRatio: /);
    expect(issues({ notify: { format: 'teams' } })).toEqual(['notify.format: expected auto, slack, discord or generic']);
    expect(issues({ events: { threshold: 5, extra: 1 } })[0]).toMatch(/^events: Unrecognized key/);
  });
});
