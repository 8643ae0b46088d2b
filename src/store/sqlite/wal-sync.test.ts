import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createSqliteStore } from './store.ts';
import { createWalSync } from './wal-sync.ts';

describe('WAL sync', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-wal-sync-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shares one fdatasync among the callers that arrive while one is running', async () => {
    const path = join(dir, 'a.db');
    const store = createSqliteStore({ path, checkpoints: false, synchronous: 'normal' });
    await migrateToLatest(store);
    const wal = createWalSync(path);
    try {
      await Promise.all([wal.sync(), wal.sync(), wal.sync(), wal.sync(), wal.sync()]);
      assert.equal(wal.count, 2, 'the first call starts a sync; the four during it share the next');
      await wal.sync();
      assert.equal(wal.count, 3, 'a call after the others settled gets its own');
    } finally {
      await wal.close();
      await store.close();
    }
  });

  it('has nothing to sync before the WAL file exists', async () => {
    const wal = createWalSync(join(dir, 'missing.db'));
    await wal.sync();
    assert.equal(wal.count, 0);
    await wal.close();
  });
});
