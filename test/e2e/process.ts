/**
 * Helpers for tests that run the real `scimd` binary: run a command to completion, or spawn
 * `scimd serve`, read the two first-start lines from its stdout, and stop it with a signal.
 * Children get a minimal environment so the developer's own DATABASE_URL, PORT … never leak in.
 * Their log lines (serve's JSON lines, every stderr) and the secrets they are given or print go to
 * the test run's log capture (test/log-capture.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { captureLogChunk, captureLogLine, recordSecret } from '../log-capture.ts';

export const BIN = fileURLToPath(new URL('../../bin/scimd.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * bin/scimd.js runs the compiled dist/: compile it once here when a source is newer than the last
 * build, so a test file run on its own (`node --import tsx --test test/e2e/x.test.ts`) never
 * exercises stale JavaScript. `npm test` has built already, which makes this an mtime scan.
 */
function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building dist/ for the e2e tests failed:\n${result.stdout}${result.stderr}`);
}
ensureBuilt();

/** A fresh temporary directory, removed by `remove()`. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'scimd-e2e-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Records the secrets handed to a child: a bootstrap token, `--password x` / `--bind-password x`, a password on stdin. */
function recordChildSecrets(args: readonly string[], env: Readonly<Record<string, string>>, stdin?: string): void {
  recordSecret(env['SCIMD_BOOTSTRAP_TOKEN']);
  args.forEach((arg, i) => {
    if (/^--[\w-]*(password|secret|token)$/i.test(arg)) recordSecret(args[i + 1]);
  });
  if (args.includes('--password-stdin')) recordSecret(stdin?.trim());
}

function childEnv(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env };
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scimd <args>` to completion (killed after `timeoutMs`); `stdin`, when given, is written to its standard input. */
export function runScimd(args: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 30_000, stdin?: string): Promise<Finished> {
  recordChildSecrets(args, env, stdin);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => captureLogChunk(`scimd ${args[0] ?? ''} stderr`, stderr));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Most stdout lines a Served keeps. */
const MAX_KEPT_LINES = 200_000;

/** A running `scimd serve`. */
export interface Served {
  readonly child: ChildProcess;
  readonly tenantUrl: string;
  /** The `SCIM token:` line's value, when the server printed one. */
  readonly token: string | undefined;
  /** Every stdout line so far (the two human lines, then JSON logs). */
  readonly lines: string[];
  readonly stderr: () => string;
  /** Sends `signal` (SIGTERM by default) and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `scimd serve` and resolves once it printed `Tenant URL:` and a JSON "scimd listening"
 * log line (so LOG_LEVEL must be info or lower, the default here); rejects with its output if it
 * exits first.
 */
export function serveScimd(env: Readonly<Record<string, string>>, args: readonly string[] = [], timeoutMs = 30_000): Promise<Served> {
  recordChildSecrets(args, env);
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: childEnv({ PORT: '0', LOG_LEVEL: 'info', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('close', () => captureLogChunk('scimd serve stderr', stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scimd serve did not start within ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`));
    }, timeoutMs);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`scimd serve exited with ${code} before listening:\n${lines.join('\n')}\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      // The first start prints the token it made on purpose (a human line, not a log line).
      if (line.startsWith('SCIM token: ')) recordSecret(line.slice('SCIM token: '.length));
      else if (line.startsWith('{')) captureLogLine('scimd serve', line);
      // A long run (soak, crash) logs a line per request: keep the first ones and the latest.
      if (lines.length > MAX_KEPT_LINES) lines.splice(100, lines.length - MAX_KEPT_LINES / 2);
      if (!line.includes('"scimd listening"')) return;
      clearTimeout(timer);
      const tenantUrl = lines.find((l) => l.startsWith('Tenant URL: '))?.slice('Tenant URL: '.length) ?? '';
      const token = lines.find((l) => l.startsWith('SCIM token: '))?.slice('SCIM token: '.length);
      resolve({
        child,
        tenantUrl,
        token,
        lines,
        stderr: () => stderr,
        stop(signal = 'SIGTERM') {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** fetch against the Tenant URL with the bearer token and SCIM media type. */
export function scimClient(tenantUrl: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> | undefined; headers: Headers }> => {
    const response = await fetch(`${tenantUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
  };
}
