import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userSchemas, groupSchemas } from '../core/schema/resource-types.ts';
import { ScimError } from '../core/scim-error.ts';
import { parsePatchRequest } from '../core/messages/patch-request.ts';
import { parseListQuery } from '../core/messages/search-request.ts';
import { migrateToLatest } from '../store/migrations/migrate.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import type { Store } from '../store/store.ts';
import { createGroupService } from './scim-groups.ts';
import { createUserService } from './scim-users.ts';
import { etagOf, scimActor, versionFromEtag, type OperationContext } from './context.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
let store: Store;
let ctx: OperationContext;

function services() {
  const users = createUserService({ store, schemasFor: () => userSchemas() });
  const groups = createGroupService({ store, schemasFor: () => groupSchemas(), maxMembersReturned: 3 });
  return { users, groups };
}

const entraUser = (n: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  externalId: `ext-${n}`,
  userName: `user${n}@contoso.com`,
  active: 'True',
  emails: [{ primary: true, type: 'work', value: `user${n}@contoso.com` }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Given Family', familyName: 'Family', givenName: 'Given' },
  roles: [],
  addresses: null,
});

async function rejects(promise: Promise<unknown>, status: number, scimType?: string) {
  await assert.rejects(promise, (e: unknown) => e instanceof ScimError && e.status === status && e.scimType === scimType);
}

before(async () => {
  store = createSqliteStore({ path: ':memory:' });
  const report = await migrateToLatest(store as never);
  if (report.error) throw report.error;
  const org = await store.organizations.create({ name: 'Acme', slug: 'acme' });
  ctx = { orgId: org.id, actor: scimActor('key-1', 'Entra'), requestId: 'req-1', sourceIp: '127.0.0.1' };
});
after(() => store.close());

describe('SCIM user service', () => {
  it('creates an Entra user with a string boolean and records the SCIM System User', async () => {
    const { users } = services();
    const created = await users.create(ctx, entraUser(1));
    assert.equal(created.resource['active'], true);
    assert.equal(created.resource['addresses'], undefined);
    assert.equal(created.version, 1);
    const history = await store.auditEvents.query(ctx.orgId, { limit: 10, resourceId: created.resource['id'] as string });
    assert.equal(history.events.length, 1);
    assert.equal(history.events[0]?.action, 'user.created');
    assert.equal(history.events[0]?.actorName, 'SCIM System User (Entra)');
    assert.equal(history.events[0]?.actorId, 'key-1');
    assert.equal(history.events[0]?.requestId, 'req-1');
  });

  it('rejects a duplicate userName in any case with 409 uniqueness', async () => {
    const { users } = services();
    await rejects(users.create(ctx, { ...entraUser(1), userName: 'USER1@CONTOSO.COM' }), 409, 'uniqueness');
  });

  it('applies Entra PATCH shapes, emits deactivation, and keeps deactivated users readable', async () => {
    const { users } = services();
    const created = await users.create(ctx, entraUser(2));
    const id = created.resource['id'] as string;
    const patched = await users.patch(ctx, id, parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@contoso.com' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'E-7' },
        { op: 'Replace', path: 'active', value: 'False' },
      ],
    }));
    assert.equal(patched.version, 2);
    assert.equal(patched.resource['active'], false);
    assert.deepEqual((patched.resource[ENTERPRISE] as Record<string, unknown>)['employeeNumber'], 'E-7');
    const events = await store.outboxEvents.list(ctx.orgId, { limit: 100 });
    assert.ok(events.some((e) => e.type === 'scimd.user.deactivated' && e.resourceId === id));
    assert.equal((await users.get(ctx, id)).resource['active'], false);
    const found = await users.list(ctx, parseListQuery({ filter: 'emails[type eq "work"].value eq "NEW@contoso.com"' }));
    assert.deepEqual(found.resources.map((r) => r.resource['id']), [id]);
  });

  it('answers If-Match mismatches with 412 and unknown ids with 404', async () => {
    const { users } = services();
    const created = await users.create(ctx, entraUser(3));
    const id = created.resource['id'] as string;
    await rejects(users.replace(ctx, id, entraUser(3), 99), 412);
    await rejects(users.patch(ctx, id, [{ op: 'replace', path: 'displayName', value: 'x' }], 99), 412);
    await rejects(users.remove(ctx, id, 99), 412);
    await rejects(users.get(ctx, 'no-such-id'), 404);
    await users.remove(ctx, id, 1);
    await rejects(users.get(ctx, id), 404);
  });

  it('does not write or audit a PATCH that changes nothing', async () => {
    const { users } = services();
    const created = await users.create(ctx, entraUser(4));
    const id = created.resource['id'] as string;
    const same = await users.patch(ctx, id, [{ op: 'replace', path: 'active', value: true }]);
    assert.equal(same.version, 1);
    const history = await store.auditEvents.query(ctx.orgId, { limit: 10, resourceId: id });
    assert.equal(history.events.length, 1);
  });
});

describe('SCIM group service', () => {
  it('creates a group with members, patches membership as deltas and lists the user groups', async () => {
    const { users, groups } = services();
    const ids: string[] = [];
    for (const n of [10, 11, 12, 13, 14]) ids.push((await users.create(ctx, entraUser(n))).resource['id'] as string);
    const group = await groups.create(ctx, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      members: [{ value: ids[0] }, { value: ids[1] }],
    });
    const gid = group.resource['id'] as string;
    assert.equal((group.resource['members'] as unknown[]).length, 2);
    await groups.patch(ctx, gid, parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'members', value: [{ $ref: null, value: ids[2] }, { value: ids[3] }, { value: ids[0] }] },
        { op: 'Remove', path: 'members', value: [{ $ref: null, value: ids[1] }] },
      ],
    }));
    assert.equal(await store.groups.countMembers(ctx.orgId, gid), 3);
    await groups.patch(ctx, gid, [{ op: 'remove', path: `members[value eq "${ids[2]}"]` }]);
    assert.equal(await store.groups.countMembers(ctx.orgId, gid), 2);
    const withoutMembers = await groups.get(ctx, gid);
    assert.equal(withoutMembers.resource['members'], undefined);
    const user = await users.get(ctx, ids[3] as string, { withGroups: true });
    assert.deepEqual(user.resource['groups'], [{ value: gid, display: 'Engineering', type: 'direct' }]);
    const added = await store.auditEvents.query(ctx.orgId, { limit: 10, resourceId: gid, action: 'group.member_added' });
    assert.ok(added.events.length >= 2);
  });

  it('caps the member list a response carries', async () => {
    const { users, groups } = services();
    const members = [];
    for (const n of [20, 21, 22, 23]) members.push({ value: (await users.create(ctx, entraUser(n))).resource['id'] });
    const group = await groups.create(ctx, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Big', members });
    const read = await groups.get(ctx, group.resource['id'] as string, { withMembers: true });
    assert.equal((read.resource['members'] as unknown[]).length, 3);
  });

  it('renames through PUT and replaces the member set', async () => {
    const { users, groups } = services();
    const u = (await users.create(ctx, entraUser(30))).resource['id'] as string;
    const group = await groups.create(ctx, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Ops' });
    const gid = group.resource['id'] as string;
    const put = await groups.replace(ctx, gid, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Ops 2', members: [{ value: u }] });
    assert.equal(put.resource['displayName'], 'Ops 2');
    assert.deepEqual((put.resource['members'] as { value: string }[]).map((m) => m.value), [u]);
    await rejects(groups.create(ctx, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'ops 2' }), 409, 'uniqueness');
    await groups.remove(ctx, gid);
    await rejects(groups.get(ctx, gid), 404);
  });
});

describe('ETags', () => {
  it('formats and parses weak version tags', () => {
    assert.equal(etagOf(3), 'W/"3"');
    assert.equal(versionFromEtag('W/"3"'), 3);
    assert.equal(versionFromEtag('"12"'), 12);
    assert.equal(versionFromEtag(' * '), '*');
    assert.equal(versionFromEtag('W/"abc"'), null);
  });
});
