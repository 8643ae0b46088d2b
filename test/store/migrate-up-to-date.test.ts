/**
 * A restart of an up-to-date database checks its migrations with one query (no table
 * introspection, no migration lock): part of the start-up budget (docs/benchmarks.md, "Startup").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects } from './harness.ts';

/** `store` with every statement it sends recorded in `seen`. */
function counted(store: SqlStore, seen: string[]): SqlStore {
  const plugin: KyselyPlugin = {
    transformQuery: (args) => (seen.push(args.node.kind), args.node),
    transformResult: async (args) => args.result,
  };
  return { ...store, kysely: store.kysely.withPlugin(plugin), ddl: store.ddl } as SqlStore;
}

for (const dialect of await testDialects()) {
  describe(`migrateToLatest on ${dialect.name}`, () => {
    it('applies every migration to an empty database, then finds it up to date with a single query', async () => {
      const store = await dialect.open({}, false);
      try {
        const first = await migrateToLatest(store);
        assert.equal(first.error, undefined);
        assert.ok(first.results.length >= 10, 'every migration ran');
        assert.ok(first.results.every((r) => r.status === 'Success'));

        const seen: string[] = [];
        const second = await migrateToLatest(counted(store, seen));
        assert.deepEqual(second, { results: [] });
        assert.equal(seen.length, 1, `one statement, not ${seen.length}`);
      } finally {
        await dialect.close(store);
      }
    });

    it('runs the migrator when a migration is not recorded yet', async () => {
      const store = await dialect.open({}, false);
      try {
        await migrateToLatest(store);
        // Forget the newest migration's record: the quick check must not call the database up to date.
        const { rows } = await store.kysely.selectFrom('scimd_migration' as never).select('name' as never).orderBy('name' as never, 'desc').limit(1).execute().then((r) => ({ rows: r as { name: string }[] }));
        const newest = rows[0]!.name;
        await store.kysely.deleteFrom('scimd_migration' as never).where('name' as never, '=', newest as never).execute();
        const seen: string[] = [];
        const report = await migrateToLatest(counted(store, seen));
        assert.ok(seen.length > 1, 'the migrator ran');
        assert.ok(report.results.some((r) => r.name === newest), `${newest} was attempted again`);
      } finally {
        await dialect.close(store);
      }
    });
  });
}
