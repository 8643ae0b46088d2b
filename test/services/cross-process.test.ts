/**
 * Changes made by another process reach this process's caches on the next request (
 * "revoke takes effect on the next request", the SCIM toggle "effective on the next request").
 * Two stores on one database stand for the server and the CLI (or a second instance): the server's
 * key and policy caches hold entries for 10 s and 60 s, far longer than each test waits, so only
 * `Store.configVersion` can make them notice — SQLite through `PRAGMA data_version` on a database
 * file, PostgreSQL through the NOTIFY triggers of migration 0005 and a LISTEN connection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { scimActor } from '../../src/services/context.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { createChangeListener } from '../../src/store/postgres/change-listener.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import { POSTGRES_ADMIN_URL, testDialects, type TestDialect } from '../store/harness.ts';
import { ADMIN, adminServices, clientBody, manualClock, rejectsWith } from './kit.ts';

interface Pair {
  readonly name: string;
  /** The server's store and the other process's store, on one database. */
  readonly server: SqlStore;
  readonly other: SqlStore;
  close(): Promise<void>;
}

async function sqliteFilePair(): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-peers-'));
  const path = join(dir, 'scimd.db');
  const server = createSqliteStore({ path, checkpoints: false });
  const report = await migrateToLatest(server);
  if (report.error !== undefined) throw report.error;
  const other = createSqliteStore({ path, checkpoints: false });
  return {
    name: 'sqlite (file)',
    server,
    other,
    async close() {
      await other.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function peerPair(dialect: TestDialect): Promise<Pair> {
  const server = await dialect.open();
  const other = dialect.peer?.(server);
  if (other === undefined) throw new Error(`${dialect.name} cannot open a peer store`);
  return {
    name: dialect.name,
    server,
    other,
    async close() {
      await other.close();
      await dialect.close(server);
    },
  };
}

/** Polls `check` until it holds (a notification is delivered asynchronously) or 3 s pass. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until the store's version is stable, i.e. it learns of changes rather than bypassing caches. */
async function settled(store: SqlStore): Promise<void> {
  await eventually(() => store.configVersion() === store.configVersion(), 'the change listener listens');
}

const pairs: Array<() => Promise<Pair>> = [sqliteFilePair];
for (const dialect of await testDialects()) if (dialect.name === 'postgres') pairs.push(() => peerPair(dialect));

for (const openPair of pairs) {
  describe('changes made by another process', () => {
    let pair: Pair;
    before(async () => {
      pair = await openPair();
    });
    after(() => pair.close());

    async function setUp() {
      const time = manualClock();
      const server = adminServices(pair.server, time.clock);
      const other = adminServices(pair.other, time.clock);
      // The email-identity preset: a userType must name a role, so role changes are visible to SCIM writes.
      const org = await other.orgs.create(ADMIN, { name: `Acme ${Math.random()}`, preset: 'email-identity' });
      const admin = { orgId: org.id, actor: ADMIN, requestId: 'req-cli' };
      const created = await other.keys.create(admin, { type: 'scim', description: 'Entra' });
      await settled(pair.server);
      const first = await server.keys.authenticate(created.secret);
      assert.ok(first.ok, 'the new key authenticates on the server');
      return { server, other, org, admin, created };
    }

    it("keeps the server's version steady while nothing changes", async () => {
      await settled(pair.server);
      const before = pair.server.configVersion();
      await pair.server.organizations.list();
      assert.equal(pair.server.configVersion(), before);
    });

    it('refuses a key revoked by another process on the next request', async () => {
      const { server, other, admin, created } = await setUp();
      await other.keys.revoke(admin, created.key.id);
      await eventually(async () => !(await server.keys.authenticate(created.secret)).ok, 'the revocation is seen');
      assert.deepEqual(await server.keys.authenticate(created.secret), { ok: false, reason: 'revoked' });
    });

    it('sees the SCIM toggle turned off and on by another process', async () => {
      const { server, other, admin, created } = await setUp();
      await other.orgs.setScimEnabled(admin, false);
      await eventually(async () => {
        const result = await server.keys.authenticate(created.secret);
        return result.ok && !result.principal.scimEnabled;
      }, 'SCIM is off');
      await other.orgs.setScimEnabled(admin, true);
      await eventually(async () => {
        const result = await server.keys.authenticate(created.secret);
        return result.ok && result.principal.scimEnabled;
      }, 'SCIM is on again');
    });

    it('accepts a userType naming a role another process has just created', async () => {
      const { server, other, admin, org } = await setUp();
      const scim = { orgId: org.id, actor: scimActor('key-1', 'Entra'), requestId: 'req-scim' };
      const body = { ...clientBody('B-E2'), userName: 'contractor@contoso.com', userType: 'Contractor' };
      await rejectsWith(server.users.create(scim, body), 400, 'invalidValue', /Contractor/);
      await other.roles.create(admin, { name: 'Contractor' });
      await eventually(async () => (await server.policies.rulesFor(org.id)).roleNames.includes('Contractor'), 'the role is seen');
      const created = await server.users.create(scim, body);
      assert.equal(created.resource['userType'], 'Contractor');
    });
  });
}

const dialects = await testDialects();
const postgres = dialects.find((d) => d.name === 'postgres');

describe('the PostgreSQL change listener', { skip: postgres === undefined && 'PostgreSQL is not reachable' }, () => {
  let store: SqlStore;
  let other: SqlStore;
  before(async () => {
    store = await postgres!.open();
    other = postgres!.peer!(store);
  });
  after(async () => {
    await other.close();
    await postgres!.close(store);
  });

  it('does not announce the batched lastUsedAt writes, which would empty the caches every 30 s', async () => {
    const org = await other.organizations.create({ name: 'Quiet', slug: `quiet-${Date.now()}` });
    const key = await other.apiKeys.create(org.id, { type: 'scim', description: 'Entra', prefix: 'scimd_00000000', secretHash: `h-${Date.now()}` });
    await settled(store);
    const before = store.configVersion();
    await other.apiKeys.touchLastUsed([{ id: key.id, at: new Date().toISOString() }]);
    await other.organizations.update(org.id, { scimEnabled: false });
    // The second write is announced; the first was not, or the version would have moved twice.
    await eventually(() => store.configVersion() !== before, 'the toggle is announced');
    assert.equal(store.configVersion(), before + 1);
  });

  it('bypasses caches while its connection is down and listens again after it is killed', async () => {
    const database = new URL(POSTGRES_ADMIN_URL);
    const errors: Error[] = [];
    const listener = createChangeListener({
      connection: { connectionString: POSTGRES_ADMIN_URL },
      channel: 'scimd_listener_test',
      retryMs: 10,
      onError: (e) => errors.push(e),
    });
    try {
      assert.notEqual(listener.version(), listener.version(), 'not yet listening: every call is a new version');
      assert.equal(await listener.ready(), true);
      const steady = listener.version();
      assert.equal(listener.version(), steady);
      const admin = new pg.Client({ connectionString: database.toString() });
      await admin.connect();
      try {
        await admin.query(`notify scimd_listener_test, 'x'`);
        await eventually(() => listener.version() === steady + 1, 'the notification is counted');
        await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN "scimd_listener_test"'`);
        await eventually(() => errors.length > 0, 'the listener notices its connection died');
        assert.notEqual(listener.version(), listener.version(), 'while down, every call is a new version');
        await eventually(() => listener.version() === listener.version(), 'it listens again');
        const again = listener.version();
        await admin.query(`notify scimd_listener_test, 'y'`);
        await eventually(() => listener.version() === again + 1, 'notifications are counted again');
      } finally {
        await admin.end();
      }
    } finally {
      await listener.close();
    }
  });
});
