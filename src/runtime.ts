/**
 * The running server: configuration → store → migrations → `buildScimd` (services, HTTP app and
 * jobs, wired in build-scimd.ts) → bootstrap → listening socket → jobs started. `startRuntime`
 * returns a handle whose `close()` shuts down gracefully: stop accepting, let in-flight requests
 * finish (up to the shutdown timeout), stop the jobs (writing pending key uses and activity), close
 * the database. The process entry (src/main.ts) imports this module only when a command starts
 * the server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import { buildScimd } from './build-scimd.ts';
import type { RunningServer, ServeInfo } from './cli/commands/serve.ts';
import { storeConfigOf, type Config } from './config.ts';
import { ScimError } from './core/scim-error.ts';
import { MAX_HEADER_BYTES, answerClientErrors } from './http/client-error.ts';
import { createLogger } from './http/logger.ts';
import { createStore } from './store/create-store.ts';
import { migrateToLatest, type MigrationOutcome } from './store/migrations/migrate.ts';
import type { SqlStore } from './store/sql/sql-store.ts';

/** A startup failure with a stable code (STYLE.md, Errors): the CLI prints the message and exits 1. */
export class StartupError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface RuntimeOptions {
  /** The logger (JSON lines on stdout at config.logLevel by default). */
  readonly logger?: Logger;
  /** Called once the server listens, before the runtime's first log line. */
  readonly announce?: (info: ServeInfo) => void;
}

/** A running scimd. */
export interface Runtime extends RunningServer {
  readonly store: SqlStore;
}

async function openStore(config: Config): Promise<{ store: SqlStore; migrations: readonly MigrationOutcome[] }> {
  const store = createStore(storeConfigOf(config));
  try {
    const report = await migrateToLatest(store);
    if (report.error !== undefined) {
      const failed = report.results.find((r) => r.status === 'Error')?.name;
      // No failed migration means the run never started: the database itself is the problem.
      if (failed === undefined) throw report.error;
      const reason = report.error instanceof Error ? report.error.message : String(report.error);
      throw new StartupError('MIGRATION_FAILED', `database migration ${failed} failed: ${reason}`, { cause: report.error });
    }
    return { store, migrations: report.results };
  } catch (error) {
    await store.close().catch(() => undefined);
    if (error instanceof StartupError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError('DATABASE_UNAVAILABLE', `cannot open the ${config.database.kind} database: ${reason}`, { cause: error });
  }
}

function listen(server: Server, config: Config): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const message = error.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use` : error.message;
      reject(new StartupError('LISTEN_FAILED', `cannot listen: ${message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The base URL clients reach this server at: PUBLIC_URL, or the bound address (wildcards as localhost). */
export function publicBaseUrl(config: Config, address: AddressInfo): string {
  if (config.publicUrl !== undefined) return config.publicUrl;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Closes the server: no new connections, idle keep-alive sockets closed, busy ones after the timeout. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Starts scimd for `config` (see the module comment). Startup errors are StartupError / ConfigError. */
export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json') });
  const { store, migrations } = await openStore(config);
  const scimd = buildScimd(config, store, { logger });
  let bootstrap;
  try {
    bootstrap = await scimd.services.organizations.bootstrap(config.bootstrapToken === undefined ? {} : { token: config.bootstrapToken });
  } catch (error) {
    await scimd.jobs.stop();
    await store.close();
    if (error instanceof ScimError) throw new StartupError('BOOTSTRAP_TOKEN_INVALID', `SCIMD_BOOTSTRAP_TOKEN: ${error.detail}`);
    throw error;
  }
  const server = createAdaptorServer({ fetch: scimd.app.fetch, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } }) as Server;
  answerClientErrors(server);
  let address: AddressInfo;
  try {
    address = await listen(server, config);
  } catch (error) {
    await scimd.jobs.stop();
    await store.close();
    throw error;
  }
  scimd.jobs.start();
  const url = publicBaseUrl(config, address);
  const info: ServeInfo = { url, tenantUrl: `${url}/scim/v2`, consoleUrl: `${url}/console`, bootstrap };
  options.announce?.(info);
  logger.info(
    { url, tenantUrl: info.tenantUrl, listen: `${address.address}:${address.port}`, database: config.database.kind, migrationsApplied: migrations.map((m) => m.name), firstStart: bootstrap.status === 'created' },
    'scimd listening',
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: no new connections, finishing in-flight requests');
      await closeServer(server, config.shutdownTimeoutMs);
      await scimd.jobs.stop();
      await store.close();
      logger.info('scimd stopped');
    })());
  return { ...info, store, close };
}
