import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from './load.ts';

const problemsOf = (doc: unknown, env: NodeJS.ProcessEnv = {}) => {
  try {
    resolveConfig(doc, 'pulse.config.yaml', { env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('credentials in URLs', () => {
  it('refuses a user name, a password or a token parameter in any URL of a source, naming the key and the variable to use', () => {
    const problems = problemsOf({
      sources: [
        { type: 'x', queries: ['a'], baseUrl: 'http://me:hunter2@127.0.0.1:9' },
        { type: 'mastodon', tags: ['a'], instances: ['https://fosstodon.org', 'https://admin:hunter2@mastodon.example'] },
        { type: 'reddit', subreddits: ['dataengineering'], authUrl: 'https://id:hunter2@www.reddit.com' },
        { type: 'bluesky', tags: ['a'], baseUrl: 'https://bsky.social/?access_token=hunter2' },
        { type: 'stackexchange', tags: ['a'], baseUrl: 'https://api.stackexchange.com/?key=hunter2' },
        { type: 'hackernews', queries: ['a'], baseUrl: 'https://user@hn.example' },
      ],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^sources\[0\]\.baseUrl: must not carry a user name, a password or a token.*X_BEARER_TOKEN/),
      expect.stringMatching(/^sources\[1\]\.instances\[1\]: must not carry .*tokenEnv/),
      expect.stringMatching(/^sources\[2\]\.authUrl: must not carry .*REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET/),
      expect.stringMatching(/^sources\[3\]\.baseUrl: must not carry .*BLUESKY_HANDLE and BLUESKY_APP_PASSWORD/),
      expect.stringMatching(/^sources\[4\]\.baseUrl: must not carry .*STACKEXCHANGE_KEY/),
      expect.stringMatching(/^sources\[5\]\.baseUrl: must not carry .*needs none/),
    ]);
    // The message never repeats the secret it refuses.
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses credentials in the warehouse URI without repeating them, from the file or the environment', () => {
    const [fromFile] = problemsOf({ warehouse: 'bigquery://svc:hunter2@my-project/pulse' });
    expect(fromFile).toMatch(/^warehouse: .*user name or password.*application default credentials/);
    expect(fromFile).not.toContain('hunter2');
    const [fromEnv] = problemsOf({}, { PULSE_WAREHOUSE: 'bigquery://svc:hunter2@my-project/pulse' });
    expect(fromEnv).toMatch(/^PULSE_WAREHOUSE: /);
    expect(fromEnv).not.toContain('hunter2');
    const [lake] = problemsOf({ lake: 'gs://key:hunter2@my-bucket/lake' });
    expect(lake).toMatch(/^lake: /);
    expect(lake).not.toContain('hunter2');
  });

  it('accepts URLs without credentials, query parameters included', () => {
    expect(problemsOf({ sources: [{ type: 'x', queries: ['a'], baseUrl: 'http://127.0.0.1:9/proxy?region=eu' }, { type: 'mastodon', tags: ['a'], instances: ['https://mastodon.social/@someone'] }] })).toEqual([]);
  });
});
