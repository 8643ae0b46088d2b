/**
 * JSON logs with pino. Secrets never reach a log line: the Authorization header and anything that
 * looks like a token are redacted at the logger, whatever a caller passes in.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths pino censors on every line. */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'token',
  'secret',
  '*.token',
  '*.secret',
];

export interface LoggerOptions {
  readonly level?: pino.LevelWithSilent;
  /** Where lines go (stdout by default; tests pass a capturing stream). */
  readonly destination?: DestinationStream;
}

/** Creates the JSON logger the app and runtime share. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    base: { service: 'scimd' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
