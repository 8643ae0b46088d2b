/**
 * Webhook delivery on a worker thread of `scimd serve` (SCIMD_WEBHOOK_DELIVERY=thread, the
 * default). Sending a webhook costs about as much CPU as the SCIM write that produced it (building
 * and signing the CloudEvent, the HTTP client, the socket write); on the event loop that serves
 * requests that CPU comes out of the write rate. The thread (delivery-thread-entry.ts) opens its
 * own database connection — SQLite: a second better-sqlite3 connection to the same WAL file;
 * PostgreSQL: a small pool of its own — and runs the same leased delivery worker as
 * `scimd webhook deliver`, so every guarantee (leases, order per resource, kill -9) is the one of
 * a second instance. The thread lowers its own priority (SCIMD_WEBHOOK_DELIVERY_NICE, nice 10 by
 * default, Linux only): under CPU saturation delivery lags and catches up instead of taking the
 * CPU of the event loop that serves requests.
 *
 * The main thread wakes it after commits (`wake()`, at most one message per `WAKE_GAP_MS`), so a
 * write reaches its receiver without waiting for the idle poll. The thread's log lines come back
 * as messages and go out through the server's logger. A thread that dies (an uncaught error, an
 * exit) is logged at error and started again after a delay that doubles while it keeps dying; a
 * range it held when it died is sent again once its lease expires, as after a kill -9.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from './config.ts';

/** At most one wake message per this many milliseconds (the worker gathers a range's events for 25 ms anyway). */
const WAKE_GAP_MS = 5;
/** Restart delays double up to this. */
const MAX_RESTART_DELAY_MS = 30_000;
/** A thread that ran this long before it died restarts after the first delay again. */
const STABLE_MS = 60_000;
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** What the main thread sends the delivery thread. */
export type ToDeliveryThread = 'wake' | 'stop';
/** What the delivery thread sends back. */
export type FromDeliveryThread = { readonly kind: 'ready'; readonly tid?: number | undefined } | { readonly kind: 'log'; readonly line: string };

export interface DeliveryThreadOptions {
  /** The server's configuration (the thread opens the same database with it). */
  readonly config: Config;
  /** Where the thread's log lines and its crashes are logged. */
  readonly logger: Logger;
  /** The first restart delay after the thread died (1 s by default). */
  readonly restartDelayMs?: number;
}

export interface DeliveryThread {
  /** New events were committed: the thread runs a round now. */
  wake(): void;
  /** Resolves once the current thread delivers (its first round has been scheduled). */
  ready(): Promise<void>;
  /** The running thread, if any (tests end it to see it come back). */
  readonly worker: Worker | undefined;
  /** The running thread's kernel thread id (Linux; for per-thread CPU figures), once ready. */
  readonly tid: number | undefined;
  /** Lets the requests in flight finish (up to the webhook timeout and 5 s more), then ends the thread. */
  stop(): Promise<void>;
}

const THREAD_NAME = 'scimd webhook delivery';

/**
 * Starts a thread on the entry module next to this one: the bundle the build writes into dist/
 * (from dist/runtime.bundle.js `import.meta.url` is the bundle's, in dist/ too) or, without
 * esbuild, the compiled module; when running from src/ under tsx, the TypeScript module — tsx's
 * loader does not follow into worker threads by itself, so the thread registers it first.
 */
function newThread(workerData: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./delivery-thread-entry.ts', here).href;
    const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, workerData, name: THREAD_NAME });
  }
  const bundle = new URL('./delivery-thread-entry.bundle.js', here);
  return new Worker(existsSync(bundle) ? bundle : new URL('./delivery-thread-entry.js', here), { workerData, name: THREAD_NAME });
}

/** Writes one JSON line the thread logged through `logger`, at its level. */
function relay(logger: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger.info({ thread: 'webhook-delivery', line }, 'webhook delivery thread wrote an unreadable log line');
    return;
  }
  const { level, msg, time: _time, service: _service, pid: _pid, hostname: _hostname, ...fields } = record;
  const name = typeof level === 'string' && LEVELS.has(level) ? (level as 'info') : 'info';
  logger[name]({ ...fields, thread: 'webhook-delivery' }, typeof msg === 'string' ? msg : '');
}

/** Starts the delivery thread for `options.config` (see the module comment). */
export function startDeliveryThread(options: DeliveryThreadOptions): DeliveryThread {
  const { config, logger } = options;
  const firstDelay = options.restartDelayMs ?? 1000;
  let restartDelay = firstDelay;
  let worker: Worker | undefined;
  let isReady = false;
  let tid: number | undefined;
  let readyWaiters: (() => void)[] = [];
  let restartTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let exited: Promise<void> = Promise.resolve();
  let lastWake = -Infinity;
  let wakeTimer: NodeJS.Timeout | undefined;

  function spawn(): void {
    const started = Date.now();
    const thread = newThread({ config });
    worker = thread;
    isReady = false;
    // The server's socket keeps the process alive; a forgotten thread must not.
    thread.unref();
    thread.on('message', (message: FromDeliveryThread) => {
      if (message.kind === 'log') relay(logger, message.line);
      else if (message.kind === 'ready') {
        isReady = true;
        tid = message.tid;
        for (const resolve of readyWaiters) resolve();
        readyWaiters = [];
      }
    });
    thread.on('error', (error) => logger.error({ err: error }, 'webhook delivery thread crashed'));
    exited = new Promise((resolve) => {
      thread.once('exit', (code) => {
        if (worker === thread) worker = undefined;
        isReady = false;
        resolve();
        if (stopping) return;
        restartDelay = Date.now() - started >= STABLE_MS ? firstDelay : restartDelay;
        logger.error({ exitCode: code, restartInMs: restartDelay }, 'webhook delivery thread exited; starting it again');
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          if (!stopping) spawn();
        }, restartDelay);
        restartTimer.unref();
        restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
      });
    });
  }

  function post(message: ToDeliveryThread): void {
    worker?.postMessage(message);
  }

  spawn();
  return {
    get worker() {
      return worker;
    },
    get tid() {
      return worker === undefined ? undefined : tid;
    },
    wake(): void {
      if (!isReady || wakeTimer !== undefined) return;
      const wait = lastWake + WAKE_GAP_MS - performance.now();
      if (wait <= 0) {
        lastWake = performance.now();
        post('wake');
        return;
      }
      // Commits within the gap share one message, sent when it ends.
      wakeTimer = setTimeout(() => {
        wakeTimer = undefined;
        lastWake = performance.now();
        post('wake');
      }, wait);
      wakeTimer.unref();
    },
    ready(): Promise<void> {
      if (isReady) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    async stop(): Promise<void> {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (wakeTimer) clearTimeout(wakeTimer);
      const thread = worker;
      if (thread === undefined) return;
      // Keep the process alive until the thread has closed its connection.
      thread.ref();
      post('stop');
      const deadline = setTimeout(() => {
        logger.warn('webhook delivery thread did not stop in time; ending it (its leases expire and the ranges go out again)');
        void thread.terminate();
      }, config.events.webhookTimeoutMs + 5000);
      await exited;
      clearTimeout(deadline);
    },
  };
}
