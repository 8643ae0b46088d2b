/**
 * The terminal form of the log: pino writes its JSON line into this stream, which prints it as one
 * readable line — time, level name, message, then the remaining fields as `key=value` — with an
 * error's stack on the lines after it. Request lines lead with `METHOD path status duration`.
 * Colours only when the target is a terminal. No dependency: it reads the JSON pino wrote, so
 * redaction has already happened.
 */
import type { DestinationStream } from 'pino';

/** Where formatted lines go (process.stdout by default). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Fields shown in the line's head, or not at all. */
const HEAD_FIELDS = new Set(['time', 'level', 'msg', 'service', 'err', 'method', 'path', 'status', 'durationMs']);

function clock(time: unknown): string {
  if (typeof time !== 'string') return '';
  const match = /T(\d\d:\d\d:\d\d\.\d{3})/.exec(time);
  return match?.[1] ?? time;
}

function show(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function errorText(err: unknown): string {
  if (err === null || typeof err !== 'object') return show(err);
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  return typeof stack === 'string' ? stack : typeof message === 'string' ? message : JSON.stringify(err);
}

/** Formats one pino JSON record as a readable line (plus indented stack lines for an `err`). */
export function formatLogLine(record: Readonly<Record<string, unknown>>, colour: boolean): string {
  const level = typeof record['level'] === 'string' ? record['level'] : String(record['level']);
  const paint = (code: string | undefined, text: string) => (colour && code !== undefined ? `${code}${text}${RESET}` : text);
  const parts = [paint(DIM, clock(record['time'])), paint(LEVEL_COLOURS[level], level.toUpperCase().padEnd(5))];
  if (record['msg'] === 'request' && typeof record['method'] === 'string') {
    parts.push(`${record['method']} ${String(record['path'])} ${String(record['status'])} ${String(record['durationMs'])}ms`);
  } else if (typeof record['msg'] === 'string') {
    parts.push(record['msg']);
  }
  for (const [key, value] of Object.entries(record)) {
    if (HEAD_FIELDS.has(key) && !(key === 'method' && record['msg'] !== 'request')) continue;
    if (value === undefined) continue;
    parts.push(paint(DIM, `${key}=`) + show(value));
  }
  let line = parts.filter((p) => p !== '').join(' ');
  if (record['err'] !== undefined) line += `\n${errorText(record['err']).replace(/^/gm, '    ')}`;
  return line;
}

/** A pino destination that prints each record with formatLogLine. */
export function prettyDestination(sink: TextSink = process.stdout): DestinationStream {
  const colour = sink.isTTY === true;
  return {
    write(chunk: string) {
      for (const text of chunk.split('\n')) {
        if (text === '') continue;
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(text) as Record<string, unknown>;
        } catch {
          sink.write(`${text}\n`);
          continue;
        }
        sink.write(`${formatLogLine(record, colour)}\n`);
      }
    },
  };
}
