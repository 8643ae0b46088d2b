/**
 * An extension schema registered, changed or removed by another process (the CLI, a second
 * instance) is used on this process's next request: its registry cache re-reads an organization's
 * definitions when `Store.configVersion` moves (SQLite `data_version` on a database file, PostgreSQL
 * NOTIFY). Two stores on one database stand for the two processes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scimActor } from '../../src/services/context.ts';
import { createSchemaExtensionService } from '../../src/services/schema-extensions.ts';
import { createSchemaRegistries } from '../../src/services/schema-registries.ts';
import { createUserService } from '../../src/services/scim-users.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import { testDialects } from '../store/harness.ts';
import { ADMIN, rejectsWith } from './kit.ts';

const URN = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

interface Pair {
  readonly name: string;
  readonly server: SqlStore;
  readonly other: SqlStore;
  close(): Promise<void>;
}

async function sqliteFilePair(): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-schema-peers-'));
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

const pairs: Array<() => Promise<Pair>> = [sqliteFilePair];
for (const dialect of await testDialects()) {
  if (dialect.name !== 'postgres') continue;
  pairs.push(async () => {
    const server = await dialect.open();
    const other = dialect.peer!(server);
    return {
      name: 'postgres',
      server,
      other,
      async close() {
        await other.close();
        await dialect.close(server);
      },
    };
  });
}

/** Polls `check` until it holds (notifications arrive asynchronously) or 3 s pass. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const openPair of pairs) {
  describe('extension schemas changed by another process', () => {
    let pair: Pair;
    before(async () => {
      pair = await openPair();
    });
    after(() => pair.close());

    it('are used on the next request after another process registers, changes and removes them', async () => {
      const registries = createSchemaRegistries({ store: pair.server });
      const users = createUserService({ store: pair.server, schemasFor: registries.userSchemas });
      const cli = createSchemaExtensionService({ store: pair.other });
      const org = (await pair.other.organizations.create({ name: 'Acme', slug: `acme-${pair.name.length}` })).id;
      const scim = { orgId: org, actor: scimActor('key-1', 'Entra') };
      const admin = { orgId: org, actor: ADMIN };
      const knows = (name: string) => async () => {
        const schema = (await registries.load(org)).user.extensions.find((s) => s.id === URN);
        return schema?.attributes.some((a) => a.name === name) ?? false;
      };

      // The server caches the built-in registry first, so only the announcement can refresh it.
      assert.equal((await registries.load(org)).user.extensions.length, 1);
      await cli.put(admin, URN, { attributes: [{ name: 'CustomAttribute' }] });
      await eventually(knows('CustomAttribute'), 'the new schema is seen');
      const ada = await users.create(scim, { userName: 'ada@acme.test', [URN]: { CustomAttribute: 'A', costCenter: 'CC-1' } });
      assert.deepEqual(ada.resource[URN], { CustomAttribute: 'A' }, 'costCenter is not defined yet');

      await cli.put(admin, URN, { attributes: [{ name: 'CustomAttribute' }, { name: 'costCenter' }] });
      await eventually(knows('costCenter'), 'the changed schema is seen');
      const bob = await users.create(scim, { userName: 'bob@acme.test', [URN]: { costCenter: 'CC-2' } });
      assert.deepEqual(bob.resource[URN], { costCenter: 'CC-2' });

      await cli.put(admin, URN, { attributes: [{ name: 'costCenter', type: 'integer' }] });
      await eventually(async () => (await registries.load(org)).user.extensions.find((s) => s.id === URN)?.attributes[0]?.type === 'integer', 'the new type is seen');
      await rejectsWith(users.create(scim, { userName: 'cyd@acme.test', [URN]: { costCenter: 'CC-3' } }), 400, 'invalidValue', /costCenter/);

      assert.deepEqual(await cli.remove(admin, URN, { force: true }), { id: URN, resourcesChanged: 2 });
      await eventually(async () => (await registries.load(org)).user.extensions.length === 1, 'the removal is seen');
      const dan = await users.create(scim, { userName: 'dan@acme.test', [URN]: { costCenter: 'CC-4' } });
      assert.equal(dan.resource[URN], undefined);
    });
  });
}
