import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../migrations/migrate.ts';
import type { CheckpointReport } from './checkpointer.ts';
import { SAFETY_AUTOCHECKPOINT_PAGES } from './checkpointer.ts';
import { createSqliteStore } from './store.ts';

const autocheckpoint = async (store: ReturnType<typeof createSqliteStore>) =>
  Number((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.kysely)).rows[0]?.wal_autocheckpoint);

describe('WAL checkpoints in a worker thread', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-checkpointer-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('copies committed frames into the database file off the event loop, and stops on close', async () => {
    const reports: CheckpointReport[] = [];
    const errors: Error[] = [];
    const store = createSqliteStore({ path: join(dir, 'a.db'), checkpoints: { intervalMs: 10, onCheckpoint: (r) => reports.push(r), onError: (e) => errors.push(e) } });
    await migrateToLatest(store);
    assert.equal(await autocheckpoint(store), SAFETY_AUTOCHECKPOINT_PAGES, 'the main connection only checkpoints as a safety net');
    const org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
    await store.users.createMany(org, Array.from({ length: 200 }, (_, i) => ({ userName: `u${i}@example.com` })));
    for (let waited = 0; reports.length === 0 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    assert.ok(reports.some((r) => r.walFrames > 0 && r.checkpointed > 0), JSON.stringify(reports));
    assert.deepEqual(errors, []);
    await store.close();
    const seen = reports.length;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(reports.length, seen, 'no checkpoint after close');
  });

  it('leaves checkpoints to SQLite when turned off, and never starts for an in-memory database', async () => {
    const plain = createSqliteStore({ path: join(dir, 'b.db'), checkpoints: false });
    assert.equal(await autocheckpoint(plain), 1000);
    await plain.close();
    const reports: CheckpointReport[] = [];
    const memory = createSqliteStore({ path: ':memory:', checkpoints: { intervalMs: 5, onCheckpoint: (r) => reports.push(r) } });
    await migrateToLatest(memory);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(reports, []);
    await memory.close();
  });
});
