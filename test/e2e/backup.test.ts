/**
 * `scimd backup`: an online copy of a SQLite database that a fresh `scimd serve` starts from with
 * every user intact (the restore), and the pg_dump advice for PostgreSQL — followed to the letter
 * on a database being served and written, restored into a fresh database that a new server serves.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchDatabase, seedTenants } from '../../bench/tenants.ts';
import { createTestDatabase } from './postgres.ts';
import { runScimd, scimClient, serveScimd, tempDir } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Why the PostgreSQL restore test cannot run here, or false. */
async function postgresSkip(): Promise<string | false> {
  if (spawnSync('pg_dump', ['--version']).status !== 0 || spawnSync('pg_restore', ['--version']).status !== 0) {
    if (process.env['CI'] === 'true') throw new Error('CI=true but pg_dump or pg_restore is not installed');
    return 'pg_dump and pg_restore are not installed';
  }
  const probe = await createTestDatabase();
  if ('skip' in probe) return probe.skip;
  await probe.drop();
  return false;
}

const PG_SKIP = await postgresSkip();

/** Runs a PostgreSQL client program, failing the test with its output when it fails. */
function run(program: string, args: readonly string[]): void {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${program} ${args.join(' ')}: ${result.stderr}`);
}

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

  it('restores a pg_dump of a PostgreSQL database being served and written into a fresh database that a new server serves', { skip: PG_SKIP }, async () => {
    const db = await createBenchDatabase('postgres');
    const fresh = await createTestDatabase();
    assert.ok(!('skip' in fresh), 'PostgreSQL is reachable');
    const target = tempDir();
    try {
      const [tenant] = await seedTenants(db, 1, 30, 1);
      const dump = join(target.path, 'scimd.dump');
      const served = await serveScimd(db.env);
      let before: { userName: string; id: string }[];
      try {
        const scim = scimClient(served.tenantUrl, tenant!.token);
        const members = tenant!.userIds.slice(0, 10).map((value) => ({ value }));
        assert.equal((await scim('PATCH', `/Groups/${tenant!.groupIds[0]}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: members }] })).status, 204);
        assert.equal((await scim('PATCH', `/Users/${tenant!.userIds[0]}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed before the dump' }] })).status, 200);
        // The command scimd prints, run as printed, while a writer keeps creating users.
        const advice = await runScimd(['backup', '--out', dump], db.env);
        assert.equal(advice.code, 2);
        const printed = advice.stderr.match(/pg_dump --format=custom --file (\S+) '([^']+)'/);
        assert.ok(printed, advice.stderr);
        assert.equal(printed[1], dump);
        const listed = await scim('GET', '/Users?count=1000&attributes=userName');
        before = (listed.body?.['Resources'] as { userName: string; id: string }[]).map(({ userName, id }) => ({ userName, id }));
        let writing = true;
        const writer = (async () => {
          for (let i = 0; writing; i += 1) await scim('POST', '/Users', { schemas: [USER], userName: `during-dump-${i}@example.com` });
        })();
        try {
          run('pg_dump', ['--format=custom', '--file', printed[1]!, printed[2]!]);
        } finally {
          writing = false;
          await writer;
        }
      } finally {
        await served.stop();
      }
      // The restore command scimd prints.
      run('pg_restore', ['--clean', '--if-exists', '--dbname', fresh.url, dump]);
      const server = await serveScimd({ DATABASE_URL: fresh.url });
      try {
        const scim = scimClient(server.tenantUrl, tenant!.token);
        const list = await scim('GET', '/Users?count=1000&attributes=userName');
        assert.equal(list.status, 200, 'the SCIM key works on the restored database');
        const restored = new Map((list.body?.['Resources'] as { userName: string; id: string }[]).map((u) => [u.id, u.userName]));
        for (const user of before) assert.equal(restored.get(user.id), user.userName, `${user.userName} was restored`);
        assert.equal(list.body?.['totalResults'], restored.size);
        const renamed = await scim('GET', `/Users/${tenant!.userIds[0]}`);
        assert.equal(renamed.body?.['displayName'], 'Renamed before the dump');
        const group = await scim('GET', `/Groups/${tenant!.groupIds[0]}`);
        assert.equal((group.body?.['members'] as unknown[]).length, 10);
        const created = await scim('POST', '/Users', { schemas: [USER], userName: 'after-restore@example.com' });
        assert.equal(created.status, 201, 'the restored database takes writes');
      } finally {
        await server.stop();
      }
    } finally {
      target.remove();
      await db.remove();
      await fresh.drop();
    }
  });
});
