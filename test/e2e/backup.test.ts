/**
 * `scimd backup`: an online copy of a SQLite database that a fresh `scimd serve` starts from with
 * every user intact (the restore), and the pg_dump advice for PostgreSQL.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchDatabase, seedTenants } from '../../bench/tenants.ts';
import { runScimd, scimClient, serveScimd, tempDir } from './process.ts';

describe('scimd backup', () => {
  it('copies a SQLite database that is being served, and a server started on the copy has every user', async () => {
    const db = await createBenchDatabase('sqlite');
    const target = tempDir();
    try {
      const [tenant] = await seedTenants(db, 1, 30, 1);
      const served = await serveScimd(db.env);
      const out = join(target.path, 'backup.db');
      try {
        const scim = scimClient(served.tenantUrl, tenant!.token);
        assert.equal((await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'after-seed@example.com' })).status, 201);
        const backup = await runScimd(['backup', '--out', out], db.env);
        assert.equal(backup.code, 0, backup.stderr);
        assert.match(backup.stdout, /integrity ok/);
        const again = await runScimd(['backup', '--out', out], db.env);
        assert.equal(again.code, 1, 'an existing file is not overwritten');
      } finally {
        await served.stop();
      }
      const restored = join(target.path, 'restored');
      mkdirSync(restored);
      copyFileSync(out, join(restored, 'scimd.db'));
      const server = await serveScimd({ DATA_DIR: restored });
      try {
        const list = await scimClient(server.tenantUrl, tenant!.token)('GET', '/Users?count=100');
        assert.equal(list.status, 200);
        assert.equal(list.body?.['totalResults'], 31);
      } finally {
        await server.stop();
      }
    } finally {
      target.remove();
      await db.remove();
    }
  });

  it('prints the pg_dump command for PostgreSQL, without the password', async () => {
    const result = await runScimd(['backup', '--out', '/tmp/x.dump'], { DATABASE_URL: 'postgres://scimd:s3cret@db.example:5432/scimd' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /pg_dump --format=custom --file \/tmp\/x\.dump 'postgres:\/\/scimd@db\.example:5432\/scimd'/);
    assert.ok(!result.stderr.includes('s3cret'));
  });
});
