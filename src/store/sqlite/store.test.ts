import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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

  it('runs in WAL mode with foreign keys, and fsyncs every commit by default (synchronous = FULL)', async () => {
    const store = createSqliteStore({ path: join(dir, 'full.db'), checkpoints: false });
    try {
      assert.equal(await pragma(store, 'journal_mode'), 'wal');
      assert.equal(await pragma(store, 'foreign_keys'), 1);
      assert.equal(await pragma(store, 'synchronous'), 2);
    } finally {
      await store.close();
    }
  });

  it('fsyncs only at checkpoints when asked for synchronous = NORMAL', async () => {
    const store = createSqliteStore({ path: join(dir, 'normal.db'), checkpoints: false, synchronous: 'normal' });
    try {
      assert.equal(await pragma(store, 'synchronous'), 1);
    } finally {
      await store.close();
    }
  });

  it("moves configVersion on another connection's commit, not on its own", async () => {
    const path = join(dir, 'peers.db');
    const server = createSqliteStore({ path, checkpoints: false });
    await migrateToLatest(server);
    const cli = createSqliteStore({ path, checkpoints: false });
    try {
      const start = server.configVersion();
      await server.organizations.create({ name: 'Own', slug: 'own' });
      assert.equal(server.configVersion(), start, 'its own commit');
      await cli.organizations.create({ name: 'Other', slug: 'other' });
      assert.notEqual(server.configVersion(), start, "the other connection's commit");
    } finally {
      await cli.close();
      await server.close();
    }
  });
});
