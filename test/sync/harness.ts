/**
 * Helpers for the sync end-to-end tests: a scimd app served over a real socket on 127.0.0.1 (the
 * target), a migrated state store, temp folders for CSV files, and a job built from a config
 * object the way `scimd sync run` builds it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createHarness, type Harness } from '../http/harness.ts';
import { testDialects } from '../store/harness.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { validateSyncConfig, type SyncJob } from '../../src/sync/config.ts';

export interface ServedScimd {
  readonly harness: Harness;
  /** The Tenant URL, `http://127.0.0.1:<port>/scim/v2`. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 at a free port. */
export async function serve(handler: (request: Request) => Response | Promise<Response>): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createAdaptorServer({ fetch: handler }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A scimd organization reachable over HTTP. */
export async function startScimd(): Promise<ServedScimd> {
  const harness = await createHarness();
  const served = await serve((request) => harness.app.fetch(request, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }));
  return {
    harness,
    url: `http://127.0.0.1:${served.port}/scim/v2`,
    token: harness.token,
    async close() {
      await served.close();
      await harness.close();
    },
  };
}

/** A migrated SQLite state store in memory. */
export async function stateStore(): Promise<{ store: SqlStore; close: () => Promise<void> }> {
  const dialect = (await testDialects())[0]!;
  const store = await dialect.open({});
  return { store, close: () => dialect.close(store) };
}

export async function tempDir(): Promise<{ dir: string; write: (name: string, text: string) => Promise<string>; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'scimd-sync-'));
  return {
    dir,
    write: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Validates a config object as the CLI would (relative paths against `dir`). */
export function jobOf(config: unknown, dir: string, env: Record<string, string> = {}): SyncJob {
  return validateSyncConfig(config, { baseDir: dir, env });
}

/** The standard user mappings of the tests (Entra's defaults, cut down). */
export const USER_MAPPINGS = [
  { target: 'userName', expression: '[mail]', matching: 1 },
  { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
  { target: 'displayName', expression: 'Join(" ", [givenName], [surname])' },
  { target: 'name.givenName', expression: '[givenName]' },
  { target: 'name.familyName', expression: '[surname]' },
  { target: 'emails[type eq "work"].value', expression: '[mail]' },
  { target: 'title', expression: '[jobTitle]', default: 'Staff' },
  { target: 'externalId', expression: '[id]', apply: 'create' },
];

export const GROUP_MAPPINGS = [
  { target: 'displayName', expression: '[name]', matching: 1 },
  { target: 'externalId', expression: '[id]' },
];
