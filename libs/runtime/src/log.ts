import { writeSync } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskSecrets, scrubSecretsInJson } from './secrets.ts';

export type { Logger } from 'pino';

/** How log lines look on stderr: `text` (one plain line each), `json` (pino's JSON lines), `pretty` (a terminal). */
export type LogFormat = 'text' | 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json', 'pretty'];

/**
 * The log format: PULSE_LOG_FORMAT (`pulse --log-format` sets it for every step process), else
 * pretty on a terminal and plain text elsewhere. JSON only when asked: a person reading a CI
 * log or a cron mail wants sentences, a log shipper asks for JSON.
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env): LogFormat {
  const asked = env.PULSE_LOG_FORMAT?.trim().toLowerCase();
  if (asked && (LOG_FORMATS as readonly string[]).includes(asked)) return asked as LogFormat;
  return process.stderr.isTTY && !env.NO_COLOR ? 'pretty' : 'text';
}

/** Whether stack traces are wanted: PULSE_DEBUG=1 (`pulse --debug` sets it for every step process). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.PULSE_DEBUG?.trim() ?? '');
}

const LEVEL_WORDS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: '', 40: 'warning', 50: 'error', 60: 'fatal' };

interface LogRecord {
  level: number;
  name?: string;
  msg?: string;
  err?: { message?: string; stack?: string };
}

/** `load: warning: could not …` — one line per record (plus the stack with --debug). */
export function formatTextLine(json: string): string {
  let r: LogRecord;
  try {
    r = JSON.parse(json) as LogRecord;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const word = LEVEL_WORDS[r.level] ?? '';
  let line = `${r.name ? `${r.name}: ` : ''}${word ? `${word}: ` : ''}${r.msg ?? ''}`;
  const message = r.err?.message;
  if (message && !line.includes(message)) line += `: ${message}`;
  if (r.err?.stack) line += `\n${r.err.stack}`;
  return `${line}\n`;
}

/** A synchronous destination that turns pino's JSON lines into plain ones. */
function textDestination(write: (s: string) => void): DestinationStream {
  return { write: (chunk: string) => write(formatTextLine(chunk.trimEnd())) };
}

export interface LoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Include stack traces of logged errors (default: `debugEnabled()`). */
  debug?: boolean;
  /** Where the lines go (default stderr); tests capture them. */
  write?: (s: string) => void;
}

/**
 * One logger for every app, on stderr: plain lines, JSON lines or pretty ones (see
 * `logFormat`). Level from PULSE_LOG_LEVEL (default info on a terminal, warn elsewhere).
 * Every message and serialized error is passed through the secret mask, and every finished
 * line through the registry once more (a token registered after the object was built, say);
 * stacks are kept only with --debug, so a failure reads as one sentence.
 */
export function createLogger(name: string, opts: LoggerOptions = {}): Logger {
  // On a terminal a person watches: info. Under cron/systemd/CI: warnings and errors only,
  // the run's summary on stdout says the rest.
  const level = opts.level ?? process.env.PULSE_LOG_LEVEL ?? (process.stderr.isTTY ? 'info' : 'warn');
  const format = opts.format ?? logFormat();
  const debug = opts.debug ?? debugEnabled();
  const write = opts.write ?? ((s: string) => writeSync(2, s));
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
        const { stack, ...rest } = { ...s, message: maskSecrets(s.message ?? ''), stack: maskSecrets(s.stack ?? '') };
        return debug ? { ...rest, stack } : rest;
      },
    },
  };
  if (format === 'pretty' && !opts.write) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: 2, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } },
    });
  }
  if (format === 'json') return pino(options, opts.write ? { write } : pino.destination({ fd: 2, sync: true }));
  return pino(options, textDestination(write));
}

/** A logger that writes nothing (tests, library defaults). */
export const silentLogger: Logger = pino({ level: 'silent' });
