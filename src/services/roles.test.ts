import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../../test/store/harness.ts';
import { adminFixture, rejectsWith, type AdminFixture } from '../../test/services/kit.ts';
import { validRoleName } from './roles.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('role names', () => {
  it('refuses empty, padded, over-long and control-character names', () => {
    assert.equal(validRoleName('Contractor'), 'Contractor');
    assert.throws(() => validRoleName(' '), /role name is required/);
    assert.throws(() => validRoleName(' Contractor'), /must not start or end with spaces/);
    assert.throws(() => validRoleName('x'.repeat(65)), /longer than 64 characters/);
    assert.throws(() => validRoleName('a\tb'), /control characters/);
  });
});

for (const dialect of await testDialects()) {
  describe(`role service on ${dialect.name}`, () => {
    let f: AdminFixture;
    before(async () => {
      f = await adminFixture(dialect);
    });
    after(() => f.close());

    it('lists the predefined roles with how many users hold each', async () => {
      await f.users.create(f.scim, { schemas: [USER], userName: 'ann@contoso.com', userType: 'Admin' });
      await f.users.create(f.scim, { schemas: [USER], userName: 'bob@contoso.com' });
      const roles = await f.roles.list(f.org.id);
      assert.deepEqual(roles.map((r) => [r.name, r.predefined, r.users]), [['Admin', true, 1], ['Editor', true, 0], ['Employee', true, 1], ['Viewer', true, 0]]);
      assert.equal((await f.roles.get(f.org.id, 'Admin')).users, 1);
      await rejectsWith(f.roles.get(f.org.id, 'admin'), 404, undefined, /Role "admin" not found/);
    });

    it('creates, renames and deletes a custom role, recording each change', async () => {
      const created = await f.roles.create(f.admin, { name: 'Contractor', description: 'External staff' });
      assert.equal(created.predefined, false);
      const renamed = await f.roles.rename(f.admin, created.id, 'Contractors');
      assert.equal(renamed.name, 'Contractors');
      await f.roles.remove(f.admin, 'Contractors');
      await rejectsWith(f.roles.get(f.org.id, created.id), 404, undefined, /not found/);
      const history = await f.store.auditEvents.query(f.org.id, { limit: 10, resourceId: created.id, order: 'oldest' });
      assert.deepEqual(history.events.map((e) => [e.action, e.resourceType, e.actorName]), [
        ['role.created', 'Role', 'operator@vendor.example'],
        ['role.renamed', 'Role', 'operator@vendor.example'],
        ['role.deleted', 'Role', 'operator@vendor.example'],
      ]);
      assert.deepEqual(history.events[1]?.changes, { before: { name: 'Contractor' }, after: { name: 'Contractors' } });
    });

    it('refuses a name that differs from an existing one only in case with 409 uniqueness', async () => {
      await rejectsWith(f.roles.create(f.admin, { name: 'EDITOR' }), 409, 'uniqueness', /A role named "Editor" already exists/);
      const custom = await f.roles.create(f.admin, { name: 'Auditor' });
      await rejectsWith(f.roles.rename(f.admin, custom.id, 'viewer'), 409, 'uniqueness', /"Viewer" already exists/);
      await f.roles.remove(f.admin, custom.id);
    });

    it('refuses to rename or delete a role users hold, a predefined role or the default role with 409', async () => {
      const role = await f.roles.create(f.admin, { name: 'Partner' });
      await f.users.create(f.scim, { schemas: [USER], userName: 'pat@partner.example', userType: 'Partner' });
      await rejectsWith(f.roles.remove(f.admin, 'Partner'), 409, undefined, /Role "Partner" is the userType of 1 user\(s\) and cannot be deleted; change their userType in the identity provider first/);
      await rejectsWith(f.roles.rename(f.admin, role.id, 'Partners'), 409, undefined, /cannot be renamed/);
      await rejectsWith(f.roles.remove(f.admin, 'Editor'), 409, undefined, /"Editor" is a predefined role and cannot be deleted/);
      await rejectsWith(f.roles.rename(f.admin, 'Admin', 'Owner'), 409, undefined, /"Admin" is a predefined role and cannot be renamed/);
      const fallback = await f.roles.create(f.admin, { name: 'Staff' });
      await f.policies.update(f.admin, { defaultRole: 'Staff' });
      await rejectsWith(f.roles.remove(f.admin, fallback.id), 409, undefined, /"Staff" is the organization's default role and cannot be deleted; choose another default role first/);
      await f.policies.update(f.admin, { defaultRole: 'Employee' });
      await f.roles.remove(f.admin, fallback.id);
      await rejectsWith(f.roles.remove(f.admin, 'Nope'), 404, undefined, /Role "Nope" not found/);
      await rejectsWith(f.roles.create({ ...f.admin, orgId: 'missing' }, { name: 'X' }), 404, undefined, /Organization "missing" not found/);
    });

    it('makes a new role usable as userType at once in this process', async () => {
      await f.users.create(f.scim, { schemas: [USER], userName: 'warm@contoso.com' });
      await f.roles.create(f.admin, { name: 'Intern' });
      const created = await f.users.create(f.scim, { schemas: [USER], userName: 'ivy@contoso.com', userType: 'Intern' });
      assert.equal(created.resource['userType'], 'Intern');
    });

    it('lists as members only users whose role is not Employee, a page at a time', async () => {
      const page1 = await f.roles.members(f.org.id, { count: 2 });
      assert.equal(page1.users.length, 2);
      assert.ok(page1.nextCursor);
      const page2 = await f.roles.members(f.org.id, { count: 2, cursor: page1.nextCursor });
      const all = [...page1.users, ...page2.users].map((u) => [u.userName, u.userType]);
      assert.deepEqual(all, [['ann@contoso.com', 'Admin'], ['pat@partner.example', 'Partner'], ['ivy@contoso.com', 'Intern']]);
      assert.equal(page2.nextCursor, undefined);
    });
  });
}
