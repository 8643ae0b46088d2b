/**
 * Shared setup for the HTTP benchmarks: a SQLite data directory seeded with Entra-shaped users,
 * `scimd serve` pinned to core 1, and autocannon (loaded lazily, a devDependency) on core 0.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { createOrganizationService } from '../src/services/organizations.ts';

export interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
export interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TOKEN = 'Bench-Token_0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const userName = (n: number): string => `user${n}@contoso.test`;

/** The body Entra ID sends to create a user (docs/clients.md). */
export const entraUser = (name: string, n: number) => ({
  schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: `ext-${n}`,
  userName: name,
  active: true,
  displayName: `User ${n}`,
  emails: [{ primary: true, type: 'work', value: name }],
  name: { formatted: `User ${n}`, familyName: String(n), givenName: 'User' },
});

/** Entra's replace shapes, used in turn by the PATCH workload. */
export const entraPatches = [
  (n: number) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${n}` }] }),
  (n: number) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: n % 2 === 0 ? 'True' : 'False' }] }),
  (n: number) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { 'name.givenName': `G${n}`, title: 'Engineer' } }] }),
];

/** The lookup path Entra uses to match a user. */
export const filterPath = (name: string): string => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`;

/** Pins this process (the load generator) to core 0 and loads autocannon. */
export async function loadGenerator(): Promise<Autocannon> {
  spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const { default: autocannon } = (await import('autocannon' as string)) as { default: Autocannon };
  return autocannon;
}

/** Creates the first organization with the bench token and `users` users; returns their ids. */
export async function seed(dataDir: string, users: number): Promise<string[]> {
  const store = createSqliteStore({ path: join(dataDir, 'scimd.db') });
  await migrateToLatest(store);
  const boot = await createOrganizationService({ store }).bootstrap({ token: TOKEN });
  if (boot.status !== 'created') throw new Error('expected a fresh database');
  const orgId = boot.organization.id;
  const ids: string[] = [];
  for (let from = 0; from < users; from += 1000) {
    const batch = [];
    for (let n = from; n < Math.min(users, from + 1000); n += 1) batch.push(entraUser(userName(n), n));
    for (const user of await store.users.createMany(orgId, batch)) ids.push(user.id);
  }
  await store.close();
  return ids;
}

/** Spawns node with `args` pinned to core 1; resolves with the first stdout line matching `ready`. */
export function pinned(args: readonly string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn('taskset', ['-c', '1', process.execPath, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve({ child, match });
    });
  });
}

/** Starts `scimd serve` on `dataDir` (rate limit out of the way); `nodeFlags` go before the script, `extraEnv` (e.g. DATABASE_URL) is added. */
export function serve(dataDir: string, nodeFlags: readonly string[] = [], extraEnv: Record<string, string> = {}) {
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    SCIMD_RATE_LIMIT_PER_SECOND: '1000000',
    SCIMD_RATE_LIMIT_BURST: '1000000',
    // full (the default) or normal: see docs/storage.md, Durability.
    SCIMD_SQLITE_SYNCHRONOUS: process.env['SCIMD_SQLITE_SYNCHRONOUS'] ?? 'full',
    // The PostgreSQL pool of the server under test (default 10, as `scimd serve`).
    ...(process.env['SCIMD_PG_POOL_SIZE'] ? { SCIMD_PG_POOL_SIZE: process.env['SCIMD_PG_POOL_SIZE'] } : {}),
    ...extraEnv,
  };
  return pinned([...nodeFlags, 'bin/scimd.js', 'serve'], env, /^Tenant URL: (\S+)$/);
}

/** Stops a child and waits for it to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
