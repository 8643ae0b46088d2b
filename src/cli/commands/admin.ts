/**
 * What the administration commands (`org`, `key`, `role`, `schema`, `audit`) share: their common flags, a
 * session on the same database the server uses (DATABASE_URL / DATA_DIR, migrated to the latest
 * layout) with the services built over it, the actor recorded in the history, and the Tenant URL.
 * A running server sees changes made here on its next request (`Store.configVersion`).
 */
import { userInfo } from 'node:os';
import { storeConfigOf, type Config } from '../../config.ts';
import type { Actor, OperationContext } from '../../services/context.ts';
import { createSchemaExtensionService } from '../../services/schema-extensions.ts';
import { createStore } from '../../store/create-store.ts';
import { migrateToLatest } from '../../store/migrations/migrate.ts';
import type { SqlStore } from '../../store/sql/sql-store.ts';
import type { CliIo } from '../io.ts';
import { DATABASE_OPTIONS, configFromFlags } from './options.ts';

/** parseArgs specs every admin command accepts. */
export const ADMIN_OPTIONS = {
  ...DATABASE_OPTIONS,
  'public-url': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** A command-line mistake: printed with a usage hint, exit status 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** A failure with a stable code: printed as its message, exit status 1. */
export class CommandError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The actor the CLI's changes are recorded under: `scimd CLI (<OS user>)`. */
export function cliActor(): Actor {
  let user = 'unknown user';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep the placeholder.
  }
  return { type: 'admin', id: null, name: `scimd CLI (${user})` };
}

/** The Tenant URL the server answers at: PUBLIC_URL, else its HOST and PORT. */
export function tenantUrlOf(config: Config): string {
  if (config.publicUrl !== undefined) return `${config.publicUrl}/scim/v2`;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}/scim/v2`;
}

async function openStore(config: Config): Promise<SqlStore> {
  const store = createStore(storeConfigOf(config));
  const report = await migrateToLatest(store);
  if (report.error !== undefined) {
    await store.close().catch(() => undefined);
    const reason = report.error instanceof Error ? report.error.message : String(report.error);
    const failed = report.results.find((r) => r.status === 'Error')?.name;
    throw new CommandError('DATABASE_UNAVAILABLE', failed === undefined ? `cannot open the ${config.database.kind} database: ${reason}` : `database migration ${failed} failed: ${reason}`);
  }
  return store;
}

/**
 * The services of one command run over one store, built by the composition root's `buildScimd`
 * (loaded when a command needs it, so `scimd --help` does not load the HTTP stack).
 */
export async function adminSession(config: Config, store: SqlStore) {
  const { buildScimd } = await import('../../build-scimd.ts');
  // A command reads what other processes changed a moment ago: no lookup caches.
  const { services } = buildScimd({ ...config, apiKeys: { ...config.apiKeys, cacheTtlMs: 0 } }, store);
  return {
    config,
    store,
    actor: cliActor(),
    tenantUrl: tenantUrlOf(config),
    keys: services.apiKeys,
    policies: services.policies,
    orgs: services.organizations,
    roles: services.roles,
    schemas: createSchemaExtensionService({ store }),
    audit: services.audit,
    activity: services.activity,
    /** The operation context of a change to `orgId` made from the command line. */
    ctx(orgId: string): OperationContext {
      return { orgId, actor: this.actor };
    },
  };
}

export type AdminSession = Awaited<ReturnType<typeof adminSession>>;

/** Opens the database named by the flags/environment, runs `work`, and always closes it. */
export async function withAdmin<T>(values: Readonly<Record<string, unknown>>, work: (session: AdminSession) => Promise<T>): Promise<T> {
  const config = configFromFlags(values);
  const store = await openStore(config);
  const session = await adminSession(config, store);
  try {
    return await work(session);
  } finally {
    await session.keys.close().catch(() => undefined);
    await store.close();
  }
}

/** Prints a value as pretty JSON (one document, for scripts). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** The one positional argument a subcommand needs, or a usage error naming it. */
export function positional(positionals: readonly string[], index: number, name: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${name}`);
  return value;
}

/** A required flag's value, or a usage error naming the flag. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing --${flag}`);
  return value;
}

/** `on`/`off` (also true/false, yes/no) as a boolean. */
export function onOff(value: string, what: string): boolean {
  if (['on', 'true', 'yes'].includes(value)) return true;
  if (['off', 'false', 'no'].includes(value)) return false;
  throw new UsageError(`${what} must be "on" or "off", not "${value}"`);
}
