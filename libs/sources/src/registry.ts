import type { Config, SourceConfig } from '@social-pulse/config';
import { missingCredentials, CREDENTIALS } from '@social-pulse/config';
import type { SourceName } from '@social-pulse/schema';
import { normalizeHackernews } from './hackernews/normalize.ts';
import { HackernewsSource } from './hackernews/source.ts';
import { normalizeMastodon } from './mastodon/normalize.ts';
import { MastodonSource } from './mastodon/source.ts';
import type { Normalized, RawPage, Source } from './types.ts';

/** Sources this build can run, by config `type`. */
const FACTORIES: Partial<Record<SourceName, (c: SourceConfig, g: Config) => Source>> = {
  mastodon: (c) => new MastodonSource(c as Extract<SourceConfig, { type: 'mastodon' }>),
  hackernews: (c) => new HackernewsSource(c as Extract<SourceConfig, { type: 'hackernews' }>),
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
    const factory = FACTORIES[sc.type];
    if (!factory) return { kind: 'skipped', name: sc.type, reason: `the ${sc.type} source is not available in this version` };
    return { kind: 'ready', source: factory(sc, config) };
  });
}

const NORMALIZERS: Partial<Record<SourceName, (p: RawPage) => Normalized>> = {
  mastodon: normalizeMastodon,
  hackernews: normalizeHackernews,
};

/** Normalize a raw-zone page of any source (the lake writer's entry point). */
export function normalizeRawPage(page: RawPage): Normalized {
  const n = NORMALIZERS[page.meta.source];
  if (!n) return { posts: [], rejected: [], pageError: `no normalizer for source "${page.meta.source}"` };
  return n(page);
}
