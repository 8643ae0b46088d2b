/**
 * End to end on the embedded SQLite database: the zero-configuration first start, a restart on the
 * same DATA_DIR (no second organization, the first token still works), and SCIMD_BOOTSTRAP_TOKEN.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runScimd, scimClient, serveScimd, tempDir } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const BOOTSTRAP_TOKEN = 'Container-Bootstrap-Token_7f3a9c2e-41b8-4d6f-a0e5-9b1c8d2f6e4a';
let dir: ReturnType<typeof tempDir>;

before(() => {
  dir = tempDir();
});
after(() => dir.remove());

describe('scimd serve on SQLite', () => {
  it('starts with zero configuration, prints the Tenant URL and a token, and provisions a user', async () => {
    const dataDir = join(dir.path, 'zero');
    const served = await serveScimd({ DATA_DIR: dataDir });
    try {
      assert.equal(served.lines[0], `Tenant URL: ${served.tenantUrl}`);
      assert.match(served.lines[1] ?? '', /^SCIM token: scimd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      assert.ok(existsSync(join(dataDir, 'scimd.db')));
      const scim = scimClient(served.tenantUrl, served.token ?? '');
      const created = await scim('POST', '/Users', { schemas: [USER], userName: 'ada@example.com', active: true });
      assert.equal(created.status, 201);
      const wrong = await scimClient(served.tenantUrl, 'scimd_00000000_' + 'A'.repeat(43))('GET', '/Users');
      assert.equal(wrong.status, 401);
    } finally {
      assert.deepEqual(await served.stop('SIGINT'), { code: 0, signal: null });
    }

    const again = await serveScimd({ DATA_DIR: dataDir });
    try {
      assert.equal(again.token, undefined, 'the token is printed on first start only');
      assert.ok(!again.lines.some((l) => l.startsWith('SCIM token')));
      // A lost token is not a dead end: the restart says how to create a new key, and where the console is.
      const origin = again.tenantUrl.replace(/\/scim\/v2$/, '');
      assert.equal(again.lines[1], `Console: ${origin}/console`);
      const hint = again.lines[2] ?? '';
      const orgId = /scimd key create --org (\S+) --type scim/.exec(hint)?.[1];
      assert.ok(orgId !== undefined && orgId !== '<orgId>', hint);
      const made = await runScimd(['key', 'create', '--org', orgId, '--type', 'scim', '--description', 'Entra ID', '--json'], { DATA_DIR: dataDir });
      assert.equal(made.code, 0, made.stderr);
      const scim = scimClient(again.tenantUrl, served.token ?? '');
      const list = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`);
      assert.equal(list.status, 200);
      assert.equal(list.body?.['totalResults'], 1);
    } finally {
      assert.deepEqual(await again.stop(), { code: 0, signal: null });
    }
  });

  it('installs SCIMD_BOOTSTRAP_TOKEN without ever printing it, and honours PUBLIC_URL', async () => {
    const served = await serveScimd({ DATA_DIR: join(dir.path, 'token'), SCIMD_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN, PUBLIC_URL: 'https://scim.example.com/' });
    try {
      assert.deepEqual(served.lines.slice(0, 2), ['Tenant URL: https://scim.example.com/scim/v2', 'SCIM token installed from SCIMD_BOOTSTRAP_TOKEN (not shown)']);
      const listen = served.lines.map((l) => /"listen":"([^"]+)"/.exec(l)?.[1]).find(Boolean);
      assert.match(listen ?? '', /^127\.0\.0\.1:\d+$/);
      const scim = scimClient(`http://${listen}/scim/v2`, BOOTSTRAP_TOKEN);
      const created = await scim('POST', '/Users', { schemas: [USER], userName: 'grace@example.com' });
      assert.equal(created.status, 201);
      assert.match((created.body?.['meta'] as { location: string }).location, /^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
      assert.ok(!served.lines.join('\n').includes(BOOTSTRAP_TOKEN));
    } finally {
      assert.deepEqual(await served.stop(), { code: 0, signal: null });
    }
  });
});
