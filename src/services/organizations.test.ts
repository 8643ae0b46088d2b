import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScimError } from '../core/scim-error.ts';
import { migrateToLatest } from '../store/migrations/migrate.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import type { SqlStore } from '../store/sql/sql-store.ts';
import { hashSecret } from './api-key-secrets.ts';
import { createApiKeyService } from './api-keys.ts';
import { createOrganizationService, slugify } from './organizations.ts';

let store: SqlStore;
const clock = () => new Date('2026-03-01T12:00:00.000Z');
const admin = { type: 'admin', id: 'op-1', name: 'operator@vendor.example' } as const;
const TOKEN = 'c0ffee-Bootstrap-Token_for-Containers-0123456789';

beforeEach(async () => {
  store = createSqliteStore({ path: ':memory:' });
  const report = await migrateToLatest(store);
  if (report.error) throw report.error;
});
afterEach(() => store.close());

function services() {
  const keys = createApiKeyService({ store, clock, flushIntervalMs: 0, cacheTtlMs: 10_000 });
  const orgs = createOrganizationService({ store, clock, onChange: keys.forgetOrganization });
  return { keys, orgs };
}

async function rejectsWith(promise: Promise<unknown>, status: number, scimType: string | undefined, detail: RegExp) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ScimError, `expected a ScimError, got ${String(e)}`);
    assert.equal(e.status, status);
    assert.equal(e.scimType, scimType);
    assert.match(e.detail, detail);
    return true;
  });
}

describe('organization slugs', () => {
  it('derives lower-case dashed slugs and strips accents', () => {
    assert.equal(slugify('Contoso Ltd.'), 'contoso-ltd');
    assert.equal(slugify('  Müller & Co  '), 'muller-co');
    assert.equal(slugify('東京'), 'org');
    assert.equal(slugify('x'.repeat(80)).length, 48);
  });
});

describe('organization service', () => {
  it('creates an organization with a unique derived slug, SCIM on and the predefined roles', async () => {
    const { orgs } = services();
    const first = await orgs.create(admin, { name: 'Contoso' });
    const second = await orgs.create(admin, { name: 'contoso' });
    assert.equal(first.slug, 'contoso');
    assert.equal(second.slug, 'contoso-2');
    assert.equal(first.scimEnabled, true);
    assert.equal(first.compatibilityProfile, 'lenient');
    const roles = await store.roles.list(first.id);
    assert.deepEqual(roles.map((r) => [r.name, r.predefined]).sort(), [['Admin', true], ['Editor', true], ['Employee', true], ['Viewer', true]]);
    const history = await store.auditEvents.query(first.id, { limit: 5 });
    assert.deepEqual(history.events.map((e) => [e.action, e.actorName]), [['organization.created', 'operator@vendor.example']]);
    assert.deepEqual((await orgs.list()).map((o) => o.id), [first.id, second.id]);
    assert.equal((await orgs.get(first.id)).name, 'Contoso');
  });

  it('rejects a missing name, a bad slug, a taken slug and an unknown id with clear errors', async () => {
    const { orgs } = services();
    await rejectsWith(orgs.create(admin, { name: '  ' }), 400, 'invalidValue', /name is required/);
    await rejectsWith(orgs.create(admin, { name: 'A', slug: 'Not A Slug' }), 400, 'invalidValue', /slug "Not A Slug" must be/);
    await orgs.create(admin, { name: 'A', slug: 'taken' });
    await rejectsWith(orgs.create(admin, { name: 'B', slug: 'taken' }), 409, 'uniqueness', /./);
    await rejectsWith(orgs.get('nope'), 404, undefined, /Organization "nope" not found/);
    await rejectsWith(orgs.setScimEnabled({ orgId: 'nope', actor: admin }, false), 404, undefined, /not found/);
  });

  it('turns SCIM off effective on the next request and records the toggle', async () => {
    const { orgs, keys } = services();
    const org = await orgs.create(admin, { name: 'Acme' });
    const key = await keys.create({ orgId: org.id, actor: admin }, { type: 'scim', description: 'Entra' });
    const before = await keys.authenticate(key.secret);
    assert.ok(before.ok && before.principal.scimEnabled);
    const updated = await orgs.setScimEnabled({ orgId: org.id, actor: admin }, false);
    assert.equal(updated.scimEnabled, false);
    const after = await keys.authenticate(key.secret);
    assert.ok(after.ok && !after.principal.scimEnabled, 'the cached lookup was dropped');
    const history = await store.auditEvents.query(org.id, { limit: 5, action: 'organization.scim_disabled' });
    assert.deepEqual(history.events[0]?.changes, { before: { scimEnabled: true }, after: { scimEnabled: false } });
  });

  it('switches the compatibility profile to strict and rejects unknown profiles', async () => {
    const { orgs, keys } = services();
    const org = await orgs.create(admin, { name: 'Acme' });
    const key = await keys.create({ orgId: org.id, actor: admin }, { type: 'scim', description: 'x' });
    await keys.authenticate(key.secret);
    const strict = await orgs.updateSettings({ orgId: org.id, actor: admin }, { compatibilityProfile: 'strict' });
    assert.equal(strict.compatibilityProfile, 'strict');
    const result = await keys.authenticate(key.secret);
    assert.ok(result.ok && result.principal.strict);
    assert.throws(
      () => orgs.updateSettings({ orgId: org.id, actor: admin }, { compatibilityProfile: 'loose' as 'strict' }),
      (e: unknown) => e instanceof ScimError && e.scimType === 'invalidValue' && /"lenient" or "strict", not "loose"/.test(e.detail),
    );
  });
});

describe('renaming and deleting organizations', () => {
  it('renames an organization, keeping its id and slug, and records the old and new name', async () => {
    const { orgs } = services();
    const org = await orgs.create(admin, { name: 'Acme' });
    const renamed = await orgs.rename({ orgId: org.id, actor: admin }, '  Acme Corporation ');
    assert.deepEqual([renamed.id, renamed.slug, renamed.name], [org.id, 'acme', 'Acme Corporation']);
    const history = await store.auditEvents.query(org.id, { limit: 1, action: 'organization.renamed' });
    assert.deepEqual(history.events[0]?.changes, { before: { name: 'Acme' }, after: { name: 'Acme Corporation' } });
    await rejectsWith(orgs.rename({ orgId: org.id, actor: admin }, ''), 400, 'invalidValue', /name is required/);
    await rejectsWith(orgs.rename({ orgId: 'nope', actor: admin }, 'X'), 404, undefined, /Organization "nope" not found/);
  });

  it('deletes an organization with all its data and nothing of another, and its keys stop working', async () => {
    const { orgs, keys } = services();
    const doomed = await orgs.create(admin, { name: 'Doomed' });
    const kept = await orgs.create(admin, { name: 'Kept' });
    const key = await keys.create({ orgId: doomed.id, actor: admin }, { type: 'scim', description: 'Entra' });
    const keptKey = await keys.create({ orgId: kept.id, actor: admin }, { type: 'scim', description: 'Okta' });
    assert.ok((await keys.authenticate(key.secret)).ok);
    for (const org of [doomed, kept]) {
      const u = await store.users.create(org.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ann@contoso.com' });
      await store.groups.create(org.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Staff' }, { members: [{ value: u.id, type: 'User' }] });
    }
    await orgs.remove({ orgId: doomed.id, actor: admin });
    await rejectsWith(orgs.get(doomed.id), 404, undefined, /not found/);
    assert.equal((await keys.authenticate(key.secret)).ok, false, 'the cached principal was dropped');
    const counts = async (orgId: string) => {
      const out: Record<string, number> = {};
      for (const table of ['users', 'groups', 'memberships', 'user_values', 'api_keys', 'roles', 'audit_events', 'outbox_events'] as const) {
        const row = await store.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
        out[table] = Number(row.n);
      }
      return out;
    };
    assert.deepEqual(Object.values(await counts(doomed.id)), [0, 0, 0, 0, 0, 0, 0, 0]);
    const left = await counts(kept.id);
    assert.deepEqual([left['users'], left['groups'], left['memberships'], left['api_keys'], left['roles']], [1, 1, 1, 1, 4]);
    assert.ok((await keys.authenticate(keptKey.secret)).ok);
    await rejectsWith(orgs.remove({ orgId: doomed.id, actor: admin }), 404, undefined, /Organization ".*" not found/);
  });
});

describe('first-start bootstrap', () => {
  it('creates the first organization and a working generated SCIM key exactly once', async () => {
    const { orgs, keys } = services();
    const result = await orgs.bootstrap();
    assert.equal(result.status, 'created');
    assert.ok(result.status === 'created');
    assert.equal(result.secretSource, 'generated');
    assert.match(result.secret, /^scimd_[0-9a-f]{8}_/);
    assert.equal(result.key.type, 'scim');
    assert.equal(result.organization.slug, 'default');
    const auth = await keys.authenticate(result.secret);
    assert.ok(auth.ok && auth.principal.orgId === result.organization.id && auth.principal.keyType === 'scim');
    assert.equal((await store.roles.list(result.organization.id)).length, 4);
    const history = await store.auditEvents.query(result.organization.id, { limit: 5, order: 'oldest' });
    assert.deepEqual(history.events.map((e) => [e.action, e.actorType]), [['organization.created', 'system'], ['key.created', 'system']]);
    // A later start names the one organization, so the CLI can say how to create a new key for it.
    assert.deepEqual(await orgs.bootstrap(), { status: 'existing', organizationId: result.organization.id });
    assert.deepEqual(await orgs.bootstrap({ token: TOKEN }), { status: 'existing', organizationId: result.organization.id });
    assert.equal((await orgs.list()).length, 1);
  });

  it('installs SCIMD_BOOTSTRAP_TOKEN as the key, storing only its hash', async () => {
    const { orgs, keys } = services();
    const result = await orgs.bootstrap({ token: TOKEN });
    assert.ok(result.status === 'created');
    assert.equal(result.secretSource, 'provided');
    assert.equal(result.secret, TOKEN);
    assert.equal(result.key.prefix, 'c0ff…');
    const row = await store.kysely.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.secret_hash, hashSecret(TOKEN));
    assert.ok(!JSON.stringify(row).includes(TOKEN));
    assert.ok((await keys.authenticate(TOKEN)).ok);
  });

  it('refuses a weak bootstrap token and leaves nothing half-created', async () => {
    const { orgs } = services();
    await rejectsWith(orgs.bootstrap({ token: 'a'.repeat(40) }), 400, 'invalidValue', /at least 12 different characters/);
    assert.equal((await orgs.list()).length, 0, 'the organization was rolled back with the key');
  });

  it('creates only one organization when two instances bootstrap at the same moment', async () => {
    const { orgs } = services();
    const other = createOrganizationService({ store, clock });
    const results = await Promise.all([orgs.bootstrap(), other.bootstrap()]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['created', 'existing']);
    assert.equal((await orgs.list()).length, 1);
  });
});
