import type { Config, SourceConfig } from '@social-pulse/config';
import { missingCredentials, CREDENTIALS } from '@social-pulse/config';
import type { SourceName } from '@social-pulse/schema';
import { BlueskySource } from './bluesky/source.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { MastodonSource } from './mastodon/source.ts';
import { RedditSource } from './reddit/source.ts';
import { StackexchangeSource } from './stackexchange/source.ts';
import { normalizerOf } from './normalizers.ts';
import { normalizeRefreshPage } from './refresh.ts';
import type { Normalized, RawPage, Source } from './types.ts';
import { XSource } from './x/source.ts';

/** Sources this build can run, by config `type`. */
const FACTORIES: Record<SourceName, (c: SourceConfig, g: Config) => Source> = {
  mastodon: (c) => new MastodonSource(c as Extract<SourceConfig, { type: 'mastodon' }>),
  hackernews: (c) => new HackernewsSource(c as Extract<SourceConfig, { type: 'hackernews' }>),
  bluesky: (c) => new BlueskySource(c as Extract<SourceConfig, { type: 'bluesky' }>),
  x: (c) => new XSource(c as Extract<SourceConfig, { type: 'x' }>),
  reddit: (c) => new RedditSource(c as Extract<SourceConfig, { type: 'reddit' }>),
  stackexchange: (c) => new StackexchangeSource(c as Extract<SourceConfig, { type: 'stackexchange' }>),
};

export type SourceStatus =
  | { kind: 'ready'; source: Source }
  | { kind: 'skipped'; name: SourceName; reason: string };

/**
 * The configured sources, each ready to run or skipped with the one line that says what
 * to set (a missing credential skips only its own source).
 */
export function createSources(config: Config, env: NodeJS.ProcessEnv = process.env): SourceStatus[] {
  return config.sources.map((sc): SourceStatus => {
    if (!sc.enabled) return { kind: 'skipped', name: sc.type, reason: 'disabled in the configuration (enabled: false)' };
    const missing = missingCredentials(sc.type, env);
    if (missing.length) return { kind: 'skipped', name: sc.type, reason: `${missing.join(', ')} not set: ${CREDENTIALS[sc.type].howTo}` };
    return { kind: 'ready', source: FACTORIES[sc.type](sc, config) };
  });
}

/** Normalize a raw-zone page of any source (the lake writer's entry point). */
export function normalizeRawPage(page: RawPage): Normalized {
  // A refresh response (engagement refresh, see refresh.ts) names the posts it asked for.
  if (page.meta.refresh) return normalizeRefreshPage(page);
  const n = normalizerOf(page);
  if (!n) return { posts: [], rejected: [], pageError: `no normalizer for source "${page.meta.source}"` };
  return n(page);
}
