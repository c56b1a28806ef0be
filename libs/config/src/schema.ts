import type { AnySourceSpec } from '@social-pulse/schema';
import { DEFAULT_MAX_PAGES, httpUrl, maxPages, since, sourceSchemaOf, SOURCES } from '@social-pulse/sources/specs';
import { z } from 'zod';
import { TIMER_MAX_MS } from './duration.ts';
import { nlpSchema } from './nlp.ts';

/*
 * A source's entry (`type`, its own fields, the common settings) is built from its spec by
 * libs/sources' light entry (`sourceEntrySchema`, `sourceSchemaOf`), where the sources' runtimes
 * read its type; this file puts the list of this build's sources (`SOURCES`) into the
 * configuration.
 */

const timerMs = z.number().int().positive().max(TIMER_MAX_MS, `expected at most ${TIMER_MAX_MS} ms (about 24.8 days), the longest a timer can wait`);

/**
 * Requests one refresh may make per source and run when `refresh.maxRequests` does not say:
 * sized to each API's rate limit and price (README, "Engagement refresh"), from each source's
 * spec (`refreshRequests`, set for the sources with a batch lookup).
 */
export function refreshRequestsOf<S extends AnySourceSpec>(specs: readonly S[]): Record<S['name'], number> {
  return Object.fromEntries(specs.flatMap((s) => (s.refreshRequests === undefined ? [] : [[s.name, s.refreshRequests]]))) as Record<S['name'], number>;
}
export { DEFAULT_MAX_PAGES };
export const DEFAULT_REFRESH_REQUESTS = refreshRequestsOf(SOURCES);

export const sourceSchema = sourceSchemaOf(SOURCES);

const sourcesList = <T extends z.ZodType>(entry: T) => z.array(entry, { error: 'expected a list of sources' }).default([]);

/**
 * Engagement refresh: each run re-reads the counts of posts younger than `window` through
 * each source's batch lookup, newest first, within `maxRequests` requests per source (a
 * number for every source, or per source name; unset sources keep their default, see
 * DEFAULT_REFRESH_REQUESTS).
 */
function refreshSchema<S extends AnySourceSpec>(specs: readonly S[]) {
  const names = specs.filter((s) => s.refreshRequests !== undefined).map((s): S['name'] => s.name);
  return z
    .object({
      enabled: z.boolean().default(true),
      window: z.string().regex(/^\d+\s*[mhdw]$/, 'expected a duration such as 48h').default('48h'),
      maxRequests: z
        .union([
          z.number().int().min(0).max(100_000),
          z.object(Object.fromEntries(names.map((s) => [s, z.number().int().min(0).max(100_000).optional()])) as Record<S['name'], z.ZodOptional<z.ZodNumber>>).strict(),
        ])
        .optional(),
    })
    .strict()
    .prefault({});
}

const baseConfigSchema = z
  .object({
    lake: z.string().min(1).default('./data/lake'),
    warehouse: z.string().min(1).default('duckdb:./data/warehouse.duckdb'),
    /** Default `since` for sources that do not set one. */
    since: since.default('7d'),
    /** Added to the User-Agent of every request: say who runs this (a URL or an e-mail). */
    contact: z.string().max(200).optional(),
    /** How often `pulse run --every` and the cloud timer run; the dashboard marks data older than twice this stale. */
    schedule: z.string().regex(/^\d+\s*[mhdw]$/, 'expected a duration such as 1h').default('1h'),
    /**
     * Memory DuckDB may use in the lake-write step's merge and in loads into a DuckDB warehouse;
     * beyond it DuckDB spills to disk instead of growing (a 10M-post backfill stays within it).
     */
    memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i, 'expected a size such as 2GB or 512MB').default('2GB'),
    sources: sourcesList(sourceSchema),
    /** Most pages per query per run, for sources that do not set their own. */
    maxPages: maxPages.default(DEFAULT_MAX_PAGES),
    http: z
      .object({
        timeoutMs: timerMs.default(30_000),
        retries: z.number().int().min(0).max(20).default(5),
        /** First backoff step between retries; it doubles each attempt, with jitter. */
        backoffMs: z.number().int().min(1).max(60_000).default(1000),
        /** Longest Retry-After or rate-limit wait honoured before a request gives up. */
        maxRetryAfterMs: timerMs.default(300_000),
        /** Requests in flight at once, per source. */
        concurrency: z.number().int().positive().max(16).default(2),
      })
      .strict()
      .prefault({}),
    /** Step-level retries of `pulse run`: a step that fails (a crash, a locked file, a lost disk) is run again after a backoff. */
    retry: z
      .object({
        /** Extra attempts of a failed step (0 turns retries off). */
        steps: z.number().int().min(0).max(10).default(2),
        /** Wait before the first retry; doubles each attempt, with jitter. */
        backoffMs: z.number().int().min(0).max(600_000).default(5_000),
      })
      .strict()
      .prefault({}),
    /** Where to say that a run failed: one POST per failed run with a JSON summary. */
    notify: z
      .object({
        webhook: httpUrl.optional(),
        /** Also POST each new event (a spike, see `events`) once to the webhook. */
        events: z.boolean().default(false),
        /**
         * The body of event alerts: `slack` ({text}), `discord` ({content}), `generic` (JSON with
         * the event's fields and a `text`), or `auto`: slack for hooks.slack.com, discord for
         * discord.com/discordapp.com webhooks, generic otherwise.
         */
        format: z.enum(['auto', 'slack', 'discord', 'generic'], { error: 'expected auto, slack, discord or generic' }).default('auto'),
      })
      .strict()
      .prefault({}),
    /** The event detector (spikes in hourly posts per hashtag, entity, topic), run after each load. */
    events: z
      .object({
        enabled: z.boolean().default(true),
        /** What to count; `story` needs the stories tables. */
        kinds: z.array(z.enum(['hashtag', 'entity', 'topic', 'story'], { error: 'expected hashtag, entity, topic or story' })).min(1, 'expected at least one kind').default(['hashtag', 'entity', 'topic']),
        /** Fewest posts in an hour that can make an event. */
        minCount: z.number().int().min(1).max(1_000_000).default(5),
        /** Least score 2(√observed − √expected) of a spiking hour (about standard deviations of a Poisson count). */
        threshold: z.number().positive().max(1000).default(5),
        /** Least ratio of observed to expected posts in a spiking hour. */
        minRatio: z.number().min(1).max(1000).default(2),
        /** Quiet time after which an open event closes; a spike after it is a new event (and a new alert). */
        closeAfter: z.string().regex(/^\d+\s*h$/, 'expected a number of hours such as 2h').default('2h'),
      })
      .strict()
      .prefault({}),
    nlp: nlpSchema.prefault({}),
    dashboard: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8787),
      })
      .strict()
      .prefault({}),
    /** Engagement refresh (see refreshSchema). */
    refresh: refreshSchema(SOURCES),
  })
  .strict();

/** The whole configuration, with `sources` entries of `specs` (tests add a source of their own). */
export function configSchemaOf<const T extends readonly AnySourceSpec[]>(specs: T) {
  return baseConfigSchema.extend({ sources: sourcesList(sourceSchemaOf(specs)), refresh: refreshSchema(specs) });
}

export const configSchema = configSchemaOf(SOURCES);

export type RawConfig = z.infer<typeof configSchema>;
