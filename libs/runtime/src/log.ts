import pino, { type Logger } from 'pino';
import { maskSecrets, scrubSecretsInJson } from './secrets.ts';

export type { Logger } from 'pino';

/**
 * One logger for every app: JSON lines to stderr when not a terminal (for systemd and
 * files), pretty lines on a terminal. Level from PULSE_LOG_LEVEL (default info).
 * Every message and serialized error is passed through the secret mask, and every finished
 * line through the registry once more, so that a value in any field of a logged object (a
 * token registered after the object was built, say) is masked too.
 */
export function createLogger(name: string, opts: { level?: string; pretty?: boolean } = {}): Logger {
  // On a terminal a person watches: info. Under cron/systemd/CI: warnings and errors only,
  // the run's summary on stdout says the rest.
  const level = opts.level ?? process.env.PULSE_LOG_LEVEL ?? (process.stderr.isTTY ? 'info' : 'warn');
  const pretty = opts.pretty ?? (process.stderr.isTTY && !process.env.NO_COLOR);
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: {
      paths: ['*.headers.authorization', '*.headers.Authorization', 'headers.authorization', '*.password', '*.token'],
      censor: '***',
    },
    hooks: {
      streamWrite: (line) => scrubSecretsInJson(line),
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskSecrets(a) : a)) as Parameters<typeof method>,
        );
      },
    },
    serializers: {
      err: (e: unknown) => {
        const s = pino.stdSerializers.err(e as Error);
        return { ...s, message: maskSecrets(s.message ?? ''), stack: maskSecrets(s.stack ?? '') };
      },
    },
  };
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } },
    });
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}

/** A logger that writes nothing (tests, library defaults). */
export const silentLogger: Logger = pino({ level: 'silent' });
