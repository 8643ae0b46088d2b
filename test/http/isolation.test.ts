/**
 * Tenant isolation, as a generated matrix on every database: every admin API route and every SCIM
 * endpoint, called with Acme's credentials (an API key with every scope, a setup link, a SCIM key)
 * on Globex's organization id and on the ids of Globex's keys, setup links, roles, users and
 * groups. Each answer must be byte-for-byte the answer for an id that does not exist (with the id
 * swapped), and nothing of Globex may change. Revoked, expired and wrong-type keys, and a SCIM key
 * of an organization with SCIM turned off, are refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminRoutes } from '../../src/http/admin/admin-api.ts';
import type { AdminContext } from '../../src/http/admin/deps.ts';
import { SCOPES } from '../../src/http/admin/scopes.ts';
import { SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { createAdminHarness, testDialects, type AdminHarness } from './admin/harness.ts';
import type { CallResult } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const MISSING = '0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee';

/** Plausible bodies for the admin routes that take one (so validation is not all that answers). */
const BODIES: Record<string, unknown> = {
  'patch /organizations/{orgId}': { name: 'Pwned' },
  'put /organizations/{orgId}/scim': { enabled: false },
  'patch /organizations/{orgId}/policies': {},
  'put /organizations/{orgId}/notifications': { emails: ['evil@example.com'] },
  'post /organizations/{orgId}/keys': { type: 'scim', description: 'sneaky' },
  'post /organizations/{orgId}/setup-links': {},
  'post /organizations/{orgId}/roles': { name: 'evil' },
  'patch /organizations/{orgId}/roles/{roleId}': { name: 'evil' },
};

/** The answer with `id` replaced by a placeholder, for comparing two answers about two ids. */
function shape(result: CallResult, ids: readonly string[]): string {
  let text = `${result.status} ${result.text}`;
  for (const id of ids) text = text.replaceAll(id, '<id>');
  return text.replace(/"requestId":"[^"]*"/g, '');
}

for (const dialect of await testDialects()) {
  describe(`tenant isolation on ${dialect.name}`, () => {
    let h: AdminHarness;
    const globex: Record<string, string> = {};
    let acmeApiKey: string;
    let acmeSetupLink: string;
    let acmeScim: string;
    let globexScim: string;
    let snapshot: string;

    const scim = (token: string) => (method: string, path: string, body?: unknown) => h.call(method, `/scim/v2${path}`, { token, ...(body === undefined ? {} : { body, headers: { 'Content-Type': 'application/scim+json' } }) });

    /** Everything of Globex a leak could change, as one string. */
    async function globexState(): Promise<string> {
      const g = globex as Required<typeof globex>;
      const org = await h.orgs.get(g['orgId'] as string);
      const keys = await h.keys.list(g['orgId'] as string);
      const users = await h.store.users.list(g['orgId'] as string, { count: 100 });
      const groups = await h.store.groups.list(g['orgId'] as string, { count: 100 });
      const members = await h.store.groups.listMembers(g['orgId'] as string, g['groupId'] as string, { limit: 100 });
      const roles = await h.store.roles.list(g['orgId'] as string);
      return JSON.stringify({ org, keys: keys.map((k) => [k.id, k.revokedAt]), users: users.resources.map((u) => [u.id, u.version]), groups: groups.resources.map((x) => [x.id, x.version]), members, roles });
    }

    before(async () => {
      h = await createAdminHarness(dialect);
      globex['orgId'] = h.globex;
      const gctx = { orgId: h.globex, actor: SYSTEM_ACTOR };
      const created = await h.keys.create(gctx, { type: 'scim', description: 'Globex Entra' });
      globexScim = created.secret;
      globex['keyId'] = created.key.id;
      globex['linkId'] = (await h.setupLinks.create(gctx)).link.id;
      const roles = await h.call('POST', `/organizations/${h.globex}/roles`, { body: { name: 'globex-role' } });
      globex['roleId'] = roles.json.id;
      const gscim = scim(globexScim);
      globex['userId'] = (await gscim('POST', '/Users', { schemas: [USER], userName: 'secret@globex.test' })).json.id;
      globex['groupId'] = (await gscim('POST', '/Groups', { schemas: [GROUP], displayName: 'Globex admins', members: [{ value: globex['userId'] }] })).json.id;
      acmeApiKey = await h.key({ scopes: [...SCOPES] });
      acmeSetupLink = (await h.setupLinks.create({ orgId: h.acme, actor: SYSTEM_ACTOR })).token;
      acmeScim = (await h.keys.create({ orgId: h.acme, actor: SYSTEM_ACTOR }, { type: 'scim', description: 'Acme Entra' })).secret;
      snapshot = await globexState();
    });
    after(() => h.close());

    const PARAMS: Record<string, string> = { keyId: 'keyId', linkId: 'linkId', roleId: 'roleId', userId: 'userId', groupId: 'groupId' };

    it('answers every admin route on another organization, or on its resources, exactly as for a missing id', async () => {
      let probes = 0;
      for (const route of adminRoutes({} as AdminContext)) {
        if (!route.path.includes('{orgId}')) continue;
        const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).filter((p) => p !== 'orgId');
        const fill = (orgId: string, other: (p: string) => string) =>
          route.path.replace('{orgId}', orgId).replace(/\{(\w+)\}/g, (_, p: string) => other(p));
        const body = BODIES[`${route.method} ${route.path}`];
        for (const token of [acmeApiKey, acmeSetupLink]) {
          const send = (path: string) => h.call(route.method.toUpperCase(), path, { token, ...(body === undefined ? {} : { body }) });
          // Globex's organization id (with Globex's resource ids) against an organization that does not exist.
          const theirs = await send(fill(h.globex, (p) => globex[PARAMS[p] ?? ''] ?? MISSING));
          const missing = await send(fill(MISSING, (p) => globex[PARAMS[p] ?? ''] ?? MISSING));
          assert.equal(shape(theirs, [h.globex, MISSING]), shape(missing, [h.globex, MISSING]), `${route.method} ${route.path} on Globex`);
          assert.ok(theirs.status === 404 || theirs.status === 403 || theirs.status === 400, `${route.method} ${route.path}: ${theirs.status}`);
          probes += 2;
          // Acme's own organization id with Globex's resource ids against ids that do not exist.
          if (params.length > 0) {
            const ids = params.map((p) => globex[PARAMS[p] ?? ''] ?? MISSING);
            const cross = await send(fill(h.acme, (p) => globex[PARAMS[p] ?? ''] ?? MISSING));
            const absent = await send(fill(h.acme, () => MISSING));
            assert.equal(shape(cross, [...ids, MISSING]), shape(absent, [...ids, MISSING]), `${route.method} ${route.path} with Globex's ${params.join(', ')}`);
            // A listing under Acme (a user's history) may answer 200 — with exactly what a missing id gets.
            assert.ok(!cross.text.includes('globex'), `${route.method} ${route.path} shows Globex data`);
            probes += 2;
          }
        }
      }
      assert.ok(probes > 60, `${probes} probes`);
      assert.equal(await globexState(), snapshot, 'nothing of Globex changed');
    });

    it('answers every SCIM endpoint on another organization\'s users and groups exactly as for a missing id', async () => {
      const call = scim(acmeScim);
      const gid = globex['groupId'] as string;
      const uid = globex['userId'] as string;
      const cases: [string, (id: string) => string, unknown?][] = [
        ['GET', (id) => `/Users/${id}`],
        ['GET', (id) => `/Groups/${id}`],
        ['DELETE', (id) => `/Users/${id}`],
        ['DELETE', (id) => `/Groups/${id}`],
        ['PUT', (id) => `/Users/${id}`, { schemas: [USER], userName: 'pwned@acme.test' }],
        ['PUT', (id) => `/Groups/${id}`, { schemas: [GROUP], displayName: 'Pwned' }],
        ['PATCH', (id) => `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }],
        ['PATCH', (id) => `/Groups/${id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: 'x' }] }] }],
        ['GET', (id) => `/Users?filter=${encodeURIComponent(`id eq "${id}"`)}`],
        ['GET', (id) => `/Groups?filter=${encodeURIComponent(`members[value eq "${id}"]`)}`],
      ];
      for (const [method, path, body] of cases) {
        for (const id of [uid, gid]) {
          const theirs = await call(method, path(id), body);
          const missing = await call(method, path(MISSING), body);
          assert.equal(shape(theirs, [id, MISSING]), shape(missing, [id, MISSING]), `${method} ${path(id)}`);
        }
      }
      const acmeGroup = (await call('POST', '/Groups', { schemas: [GROUP], displayName: 'Acme admins' })).json.id as string;
      const add = await call('PATCH', `/Groups/${acmeGroup}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: uid }] }] });
      const addMissing = await call('PATCH', `/Groups/${acmeGroup}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: MISSING }] }] });
      assert.equal(shape(add, [uid, MISSING]), shape(addMissing, [uid, MISSING]), 'adding another tenant\'s user as a member');
      assert.deepEqual((await call('GET', `/Groups/${acmeGroup}`)).json.members ?? [], [], 'no foreign member');
      const bulk = await call('POST', '/Bulk', { schemas: [BULK], Operations: [{ method: 'DELETE', path: `/Users/${uid}` }, { method: 'PATCH', path: `/Groups/${gid}`, data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] } }] });
      assert.equal(bulk.status, 200);
      for (const op of bulk.json.Operations) assert.equal(op.status, '404', JSON.stringify(op));
      const listed = await call('GET', '/Users?count=1000');
      assert.ok(!JSON.stringify(listed.json).includes('globex'), 'a listing shows no Globex user');
      assert.equal(await globexState(), snapshot, 'nothing of Globex changed');
    });

    it('refuses revoked, expired and wrong-type credentials, and SCIM keys of an organization with SCIM off', async () => {
      const ctx = { orgId: h.acme, actor: SYSTEM_ACTOR };
      const revoked = await h.keys.create(ctx, { type: 'scim', description: 'revoked' });
      await h.keys.revoke(ctx, revoked.key.id);
      const expiring = await h.keys.create(ctx, { type: 'scim', description: 'expiring', expiresAt: new Date(h.now().getTime() + 60_000).toISOString() });
      h.advance(120_000);
      for (const [token, why] of [
        [revoked.secret, 'revoked'],
        [expiring.secret, 'expired'],
        [acmeApiKey, 'an admin API key'],
        [acmeSetupLink, 'a setup link'],
        [h.session, 'an operator session'],
        [`${globexScim.slice(0, -4)}AAAA`, 'a forged key'],
      ] as const) {
        const result = await scim(token)('GET', '/Users');
        assert.ok(result.status === 401 || result.status === 403, `${why}: ${result.status}`);
      }
      assert.equal((await h.call('PUT', `/organizations/${h.globex}/scim`, { body: { enabled: false } })).status, 200);
      const off = await scim(globexScim)('GET', `/Users/${globex['userId']}`);
      assert.ok(off.status === 401 || off.status === 403, `SCIM off: ${off.status}`);
      assert.ok(!off.text.includes('secret@globex.test'));
      assert.equal((await h.call('PUT', `/organizations/${h.globex}/scim`, { body: { enabled: true } })).status, 200);
      const gscim = await scim(globexScim)('GET', `/Users/${globex['userId']}`);
      assert.equal(gscim.status, 200, 'the key works again once SCIM is back on');
    });
  });
}
