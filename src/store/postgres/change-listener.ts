/**
 * `Store.configVersion` on PostgreSQL. Triggers installed by migration 0005 `NOTIFY` a channel when
 * a transaction changes organizations, roles or API keys; one dedicated connection per process
 * `LISTEN`s on it and counts notifications. PostgreSQL delivers a notification when the writing
 * transaction commits, so a key revoked by the CLI or another instance is seen here within
 * milliseconds.
 *
 * The connection is opened on the first call (the CLI and migrations, which never ask, never open
 * it). Until it listens — and after it fails, until it listens again — every call returns a new
 * number, so caches are bypassed rather than trusted while changes could go unseen. Reconnection
 * is attempted at most once per `retryMs`.
 */
import type pg from 'pg';
import { pgModule } from './pg-module.ts';

export interface ChangeListenerOptions {
  /** Connection settings for the listening connection (those of the store's pool). */
  readonly connection: pg.ClientConfig;
  /** The channel the triggers notify. */
  readonly channel: string;
  /** Minimum milliseconds between connection attempts (default 1000). */
  readonly retryMs?: number;
  /** Called when the listening connection fails (it is retried). */
  readonly onError?: (error: Error) => void;
}

export interface ChangeListener {
  /** The current version (see the module comment). */
  version(): number;
  /** Resolves once the connection listens (for tests and start-up; never rejects). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

type State = 'idle' | 'connecting' | 'listening' | 'closed';

/** Creates the listener; nothing connects until `version()` or `ready()` is first called. */
export function createChangeListener(options: ChangeListenerOptions): ChangeListener {
  const retryMs = options.retryMs ?? 1000;
  let version = 0;
  let state: State = 'idle';
  let client: pg.Client | undefined;
  let lastAttempt = -Infinity;
  let connecting: Promise<boolean> = Promise.resolve(false);

  const fail = (failed: pg.Client, error: Error): void => {
    if (client !== failed) return;
    client = undefined;
    version += 1;
    if (state !== 'closed') state = 'idle';
    options.onError?.(error);
    failed.end().catch(() => undefined);
  };

  function connect(): Promise<boolean> {
    lastAttempt = Date.now();
    state = 'connecting';
    const attempt = new (pgModule().Client)(options.connection);
    client = attempt;
    attempt.on('notification', () => {
      version += 1;
    });
    attempt.on('error', (error) => fail(attempt, error));
    attempt.on('end', () => fail(attempt, new Error('the change-listener connection ended')));
    connecting = attempt
      .connect()
      .then(() => attempt.query(`LISTEN ${pgModule().escapeIdentifier(options.channel)}`))
      .then(
        () => {
          if (client !== attempt) return false;
          // Changes committed before LISTEN took effect were never announced: start from a new number.
          version += 1;
          state = 'listening';
          return true;
        },
        (error: unknown) => {
          fail(attempt, error instanceof Error ? error : new Error(String(error)));
          return false;
        },
      );
    return connecting;
  }

  return {
    version() {
      if (state === 'listening') return version;
      if (state === 'idle' && Date.now() - lastAttempt >= retryMs) void connect();
      version += 1;
      return version;
    },
    ready() {
      if (state === 'listening') return Promise.resolve(true);
      if (state === 'idle') return connect();
      return state === 'connecting' ? connecting : Promise.resolve(false);
    },
    async close() {
      state = 'closed';
      const open = client;
      client = undefined;
      if (open) await open.end().catch(() => undefined);
    },
  };
}
