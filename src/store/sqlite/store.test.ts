import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createSqliteStore } from './store.ts';

const pragma = async (store: ReturnType<typeof createSqliteStore>, name: string): Promise<unknown> =>
  Object.values((await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.kysely)).rows[0] ?? {})[0];

describe('the SQLite connection', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-sqlite-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in WAL mode with foreign keys; COMMIT itself never fsyncs (synchronous = NORMAL)', async () => {
    const store = createSqliteStore({ path: join(dir, 'pragmas.db'), checkpoints: false });
    try {
      assert.equal(await pragma(store, 'journal_mode'), 'wal');
      assert.equal(await pragma(store, 'foreign_keys'), 1);
      assert.equal(await pragma(store, 'synchronous'), 1);
    } finally {
      await store.close();
    }
  });

  it('acknowledges a transaction only after the WAL was fdatasynced, unless synchronous is normal', async () => {
    // Count fdatasync calls on every FileHandle (the class is not exported; take it from an instance).
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const original = proto.datasync;
    const synced: string[] = [];
    let acknowledged = 0;
    proto.datasync = function (this: { fd: number }) {
      synced.push(`sync after ${acknowledged} acknowledged`);
      return original.call(this);
    };
    try {
      for (const synchronous of ['full', 'normal'] as const) {
        synced.length = 0;
        acknowledged = 0;
        const store = createSqliteStore({ path: join(dir, `${synchronous}.db`), checkpoints: false, synchronous });
        await migrateToLatest(store);
        synced.length = 0;
        await Promise.all(
          ['a', 'b', 'c'].map((slug) => store.transaction((tx) => tx.organizations.create({ name: slug, slug })).then(() => (acknowledged += 1))),
        );
        await store.close();
        if (synchronous === 'full') assert.deepEqual(synced, ['sync after 0 acknowledged'], 'one shared sync, before any acknowledgement');
        else assert.deepEqual(synced, []);
      }
    } finally {
      proto.datasync = original;
    }
  });

  it("moves configVersion on another connection's commit in the next turn of the event loop, not on its own", async () => {
    const path = join(dir, 'peers.db');
    const server = createSqliteStore({ path, checkpoints: false });
    await migrateToLatest(server);
    const cli = createSqliteStore({ path, checkpoints: false });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      const start = server.configVersion();
      await server.organizations.create({ name: 'Own', slug: 'own' });
      await nextTurn();
      assert.equal(server.configVersion(), start, 'its own commit');
      await cli.organizations.create({ name: 'Other', slug: 'other' });
      assert.equal(server.configVersion(), start, 'read once per turn: this turn already read it');
      await nextTurn();
      assert.notEqual(server.configVersion(), start, "the other connection's commit");
    } finally {
      await cli.close();
      await server.close();
    }
  });
});
