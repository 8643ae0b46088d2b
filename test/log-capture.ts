/**
 * The test run's log capture, for the "no secret in any log line" check (docs/reliability.md):
 * when SCIMD_TEST_LOG_DIR is set — scripts/run-tests.mjs sets it for `npm test` — every log line a
 * test server writes (the HTTP and admin harnesses' loggers, the console harness's runtime, the
 * JSON log lines and stderr of every `scimd serve` and the stderr of every CLI run) is appended to
 * `<dir>/<pid>.log`, and the secrets the harnesses hand out or send (tokens, passwords) to
 * `<dir>/<pid>.secrets`. scripts/check-test-logs.mjs then searches the lines for those secrets and
 * for anything shaped like a scimd token. Without the variable nothing is written.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../src/http/logger.ts';

const DIR = process.env['SCIMD_TEST_LOG_DIR'];
/** Secrets shorter than this are not recorded: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;
/** Buffered bytes that trigger a write to disk. */
const FLUSH_AT = 1 << 20;

let lines: string[] = [];
let buffered = 0;
const secrets = new Set<string>();
let pendingSecrets: string[] = [];

function flush(): void {
  if (DIR === undefined) return;
  if (lines.length > 0) appendFileSync(join(DIR, `${process.pid}.log`), lines.join(''));
  if (pendingSecrets.length > 0) appendFileSync(join(DIR, `${process.pid}.secrets`), pendingSecrets.map((s) => `${JSON.stringify(s)}\n`).join(''));
  lines = [];
  pendingSecrets = [];
  buffered = 0;
}
if (DIR !== undefined) process.on('exit', flush);

/** True when the run collects logs (SCIMD_TEST_LOG_DIR is set). */
export const capturingLogs = DIR !== undefined;

/** Keeps one log line written by `source` (e.g. `scimd serve`), tab-separated from it. */
export function captureLogLine(source: string, line: string): void {
  if (DIR === undefined || line.trim() === '') return;
  const entry = `${source}\t${line.replace(/\r?\n/g, '\\n')}\n`;
  lines.push(entry);
  buffered += entry.length;
  if (buffered >= FLUSH_AT) flush();
}

/** Keeps every line of a chunk of output (a stderr chunk, a pino write). */
export function captureLogChunk(source: string, chunk: string): void {
  for (const line of chunk.split('\n')) captureLogLine(source, line);
}

/** Records a secret the tests generated or sent, which no log line may contain. */
export function recordSecret(secret: unknown): void {
  if (DIR === undefined || typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secrets.has(secret)) return;
  secrets.add(secret);
  pendingSecrets.push(secret);
}

/** Attribute names whose string values are secrets (`previousSecretExpiresAt` is not one). */
const SECRET_KEY = /^(\w*password|secret|previousSecret|token)$/i;

/**
 * Records the secrets in a request or response body: every `password` (SCIM user passwords at the
 * top level, in a PATCH value or under `path: "password"`; operator and LDAP bind passwords) and
 * every `secret` or `token` (new API keys, webhook secrets, sessions, setup links).
 */
export function recordSecretsIn(body: unknown): void {
  if (DIR === undefined || body === null || typeof body !== 'object') return;
  if (Array.isArray(body)) {
    for (const item of body) recordSecretsIn(item);
    return;
  }
  const record = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (SECRET_KEY.test(key)) recordSecret(value);
    else recordSecretsIn(value);
  }
  if (typeof record['path'] === 'string' && /password/i.test(record['path'])) recordSecret(record['value']);
}

/** A pino logger for a test server: `info` into the capture while capturing, silent otherwise. */
export function testLogger(source: string): Logger {
  if (DIR === undefined) return createLogger({ level: 'silent' });
  const destination = new Writable({
    write(chunk, _encoding, done) {
      captureLogChunk(source, String(chunk));
      done();
    },
  });
  return createLogger({ level: 'info', destination });
}
