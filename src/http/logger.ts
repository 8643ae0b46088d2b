/**
 * Logs with pino: JSON lines with level names (`"level":"warn"`), or readable lines for a terminal
 * (`format: 'pretty'`, see log-pretty.ts). Secrets never reach a log line: the Authorization
 * header, cookies, passwords and anything that looks like a token are redacted at the logger,
 * whatever a caller passes in, before either format sees the record.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyDestination } from './log-pretty.ts';

/** `json`: one JSON object a line (log collectors); `pretty`: readable lines (terminals). */
export type LogFormat = 'json' | 'pretty';

/** Paths pino censors on every line. */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.cookie',
  'req.headers.cookie',
  'token',
  'secret',
  'password',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
];

export interface LoggerOptions {
  readonly level?: pino.LevelWithSilent;
  /** Where lines go (stdout by default; tests pass a capturing stream). */
  readonly destination?: DestinationStream;
  /** `json` (the default) or `pretty`; a pretty logger writes to `destination` or stdout. */
  readonly format?: LogFormat;
}

/** Creates the logger the app and runtime share. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    base: { service: 'scimd' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (options.format === 'pretty') return pino(config, prettyDestination(options.destination ? { write: (t: string) => options.destination!.write(t) } : process.stdout));
  return options.destination ? pino(config, options.destination) : pino(config);
}
