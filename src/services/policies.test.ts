import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchRequest } from '../core/messages/patch-request.ts';
import { testDialects } from '../../test/store/harness.ts';
import { ADMIN, adminFixture, clientBody, rejectsWith, type AdminFixture } from '../../test/services/kit.ts';
import { createOrganizationService } from './organizations.ts';
import { DEFAULT_POLICIES, POLICY_PRESETS, policiesOf, validatePolicyChange } from './policies.ts';
import { checkUserName, isEmailAddress } from './policy-rules.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ops = (body: unknown) => parsePatchRequest(body);

describe('policy values', () => {
  it('reads an absent policy as the rfc-open preset: any userName and userType, nothing derived, the Employee role', () => {
    assert.deepEqual(policiesOf({}), POLICY_PRESETS['rfc-open']);
    assert.deepEqual(DEFAULT_POLICIES, {
      userNameMustBeEmail: false,
      allowedDomains: [],
      userNameImmutable: false,
      deriveDisplayName: false,
      userTypeMustNameRole: false,
      defaultRole: 'Employee',
    });
    assert.deepEqual(policiesOf({ policies: { userNameImmutable: true, allowedDomains: ['contoso.com'] } }), {
      ...DEFAULT_POLICIES,
      userNameImmutable: true,
      allowedDomains: ['contoso.com'],
    });
  });

  it('recognises the e-mail addresses identity providers send as userName', () => {
    for (const ok of ['Test_User_00aa00aa@testuser.com', 'test.user@okta.local', 'a+b@sub.contoso.co.uk', 'jürgen@bücher.de']) assert.ok(isEmailAddress(ok), ok);
    for (const bad of ['jyoung', 'space test@example.com', 'a@b', '@contoso.com', 'a@@contoso.com', 'a@-x.com', `${'x'.repeat(65)}@c.com`]) assert.ok(!isEmailAddress(bad), bad);
  });

  it('names the rule a userName breaks', () => {
    const emailRules = POLICY_PRESETS['email-identity'];
    const policies = { ...emailRules, allowedDomains: ['contoso.com', '*.fabrikam.com'] };
    assert.doesNotThrow(() => checkUserName('ann@CONTOSO.com', policies));
    assert.doesNotThrow(() => checkUserName('ann@eu.fabrikam.com', policies));
    assert.throws(() => checkUserName('ann@fabrikam.com', policies), /not in an allowed domain; .*"allowed domains" permits contoso.com, \*.fabrikam.com/);
    assert.throws(() => checkUserName('ann', emailRules), /userName "ann" is not an e-mail address; .*"userName must be an e-mail address"/);
    assert.doesNotThrow(() => checkUserName('ann', DEFAULT_POLICIES));
  });

  it('refuses unknown policies and values of the wrong type', () => {
    assert.deepEqual(validatePolicyChange({ allowedDomains: [' Contoso.COM ', 'contoso.com'] }), { allowedDomains: ['contoso.com'] });
    assert.throws(() => validatePolicyChange({ userNameImutable: true }), /unknown policy "userNameImutable"/);
    assert.throws(() => validatePolicyChange({ userNameImmutable: 'yes' }), /userNameImmutable must be true or false/);
    assert.throws(() => validatePolicyChange({ allowedDomains: ['not a domain'] }), /"not a domain" is not a domain/);
    assert.throws(() => validatePolicyChange({ compatibilityProfile: 'loose' }), /"lenient" or "strict", not "loose"/);
    assert.throws(() => validatePolicyChange({ preset: 'email' }), /preset must be one of "rfc-open", "email-identity", not "email"/);
  });

  it('expands a preset into every user policy, with explicit values overriding it', () => {
    assert.deepEqual(validatePolicyChange({ preset: 'email-identity', allowedDomains: ['Contoso.com'] }), { ...POLICY_PRESETS['email-identity'], allowedDomains: ['contoso.com'] });
  });
});

for (const dialect of await testDialects()) {
  describe(`policies enforced by the user service on ${dialect.name}`, () => {
    let f: AdminFixture;
    before(async () => {
      // The email-identity rules with userName renames allowed, so each rule is tested on its own.
      f = await adminFixture(dialect, { preset: 'email-identity' });
      await f.policies.update(f.admin, { userNameImmutable: false });
    });
    after(() => f.close());

    it('stores the default role in userType when Entra creates a user without one (B-E1)', async () => {
      const created = await f.users.create(f.scim, clientBody('B-E1'));
      assert.equal(created.resource['userType'], 'Employee');
      assert.equal(created.resource['displayName'], 'givenName familyName', 'derived from the name on the first sync');
      const row = await f.store.users.get(f.org.id, created.resource['id'] as string);
      assert.equal(row?.userType, 'Employee');
    });

    it('keeps the displayName Entra sends (B-E2) and refuses a userType that is not exactly a role', async () => {
      const created = await f.users.create(f.scim, { ...clientBody('B-E2'), userType: 'Editor' });
      assert.equal(created.resource['displayName'], 'Joy Young');
      assert.equal(created.resource['userType'], 'Editor');
      await rejectsWith(
        f.users.create(f.scim, { ...clientBody('B-O1'), userType: 'editor' }),
        400,
        'invalidValue',
        /userType "editor" is not a role of this organization; use exactly one of "Admin", "Editor", "Employee", "Viewer"/,
      );
    });

    it('refuses Okta\'s Contractor userType (B-O7) until the organization creates that role', async () => {
      const body = { ...clientBody('B-O1'), userName: 'extended.user@okta.local', externalId: 'o7', userType: 'Contractor' };
      await rejectsWith(f.users.create(f.scim, body), 400, 'invalidValue', /userType "Contractor" is not a role/);
      await f.roles.create(f.admin, { name: 'Contractor' });
      const created = await f.users.create(f.scim, body);
      assert.equal(created.resource['userType'], 'Contractor');
    });

    it('refuses a userName that is not an e-mail address with the rule in the detail', async () => {
      await rejectsWith(f.users.create(f.scim, { schemas: [USER], userName: 'jsmith' }), 400, 'invalidValue', /userName "jsmith" is not an e-mail address/);
    });

    it('keeps the stored displayName when Okta replaces the user without one (B-O2) and resets a missing role to the default', async () => {
      const created = await f.users.create(f.scim, { ...clientBody('B-O1'), userName: 'put.user@okta.local', externalId: 'o2', userType: 'Viewer' });
      const id = created.resource['id'] as string;
      const replaced = await f.users.replace(f.scim, id, clientBody('B-O2', { id }), undefined);
      assert.equal(replaced.resource['displayName'], 'Test User');
      assert.equal(replaced.resource['userType'], 'Employee');
      assert.equal((replaced.resource['name'] as Record<string, string>)['givenName'], 'Another');
    });

    it('applies the rules to Entra PATCH bodies: the userName rename (B-E16) and a userType change', async () => {
      const created = await f.users.create(f.scim, { ...clientBody('B-E1'), userName: 'patch.me@testuser.com', externalId: 'p1' });
      const id = created.resource['id'] as string;
      const renamed = await f.users.patch(f.scim, id, ops(clientBody('B-E16')));
      assert.equal(renamed.resource['userName'], '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
      const bad = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'userType', value: 'Owner' }] };
      await rejectsWith(f.users.patch(f.scim, id, ops(bad)), 400, 'invalidValue', /userType "Owner" is not a role/);
      const good = { ...bad, Operations: [{ op: 'Replace', path: 'userType', value: 'Admin' }] };
      assert.equal((await f.users.patch(f.scim, id, ops(good))).resource['userType'], 'Admin');
      const removed = { ...bad, Operations: [{ op: 'Remove', path: 'userType' }] };
      assert.equal((await f.users.patch(f.scim, id, ops(removed))).resource['userType'], 'Employee');
    });

    it('refuses a userName change with mutability once userName is immutable, but lets the user be deactivated (B-E7)', async () => {
      await f.policies.update(f.admin, { userNameImmutable: true });
      const created = await f.users.create(f.scim, { ...clientBody('B-E1'), userName: 'fixed@testuser.com', externalId: 'p2' });
      const id = created.resource['id'] as string;
      await rejectsWith(f.users.patch(f.scim, id, ops(clientBody('B-E16'))), 400, 'mutability', /userName cannot be changed after creation .*it is "fixed@testuser.com"/);
      await rejectsWith(
        f.users.replace(f.scim, id, { ...clientBody('B-E1'), userName: 'other@testuser.com' }, undefined),
        400,
        'mutability',
        /"userName is immutable"/,
      );
      assert.equal((await f.users.patch(f.scim, id, ops(clientBody('B-E7')))).resource['active'], false);
      await f.policies.update(f.admin, { userNameImmutable: false });
    });

    it('enforces allowed domains on create and on rename, case-insensitively', async () => {
      await f.policies.update(f.admin, { allowedDomains: ['contoso.com'] });
      try {
        await rejectsWith(f.users.create(f.scim, clientBody('B-O1')), 400, 'invalidValue', /"test.user@okta.local" is not in an allowed domain; .*permits contoso.com/);
        const ok = await f.users.create(f.scim, { schemas: [USER], userName: 'Ann@Contoso.com' });
        const rename = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'userName', value: 'ann@fabrikam.com' }] };
        await rejectsWith(f.users.patch(f.scim, ok.resource['id'] as string, ops(rename)), 400, 'invalidValue', /not in an allowed domain/);
      } finally {
        await f.policies.update(f.admin, { allowedDomains: [] });
      }
    });

    it('accepts any userName when the e-mail policy is off, and derives no displayName when that policy is off', async () => {
      await f.policies.update(f.admin, { userNameMustBeEmail: false, deriveDisplayName: false });
      try {
        const created = await f.users.create(f.scim, { schemas: [USER], userName: 'jsmith', name: { givenName: 'J', familyName: 'Smith' } });
        assert.equal(created.resource['displayName'], undefined);
      } finally {
        await f.policies.update(f.admin, { userNameMustBeEmail: true, deriveDisplayName: true });
      }
    });

    it('uses a changed default role and refuses a default role that does not exist', async () => {
      await rejectsWith(f.policies.update(f.admin, { defaultRole: 'Nobody' }), 400, 'invalidValue', /defaultRole "Nobody" is not a role of this organization; roles: /);
      await f.policies.update(f.admin, { defaultRole: 'Viewer' });
      try {
        const created = await f.users.create(f.scim, { schemas: [USER], userName: 'viewer.default@contoso.com' });
        assert.equal(created.resource['userType'], 'Viewer');
      } finally {
        await f.policies.update(f.admin, { defaultRole: 'Employee' });
      }
    });

    it('records every policy change with the values before and after, and changes the profile the key sees', async () => {
      const key = await f.keys.create(f.admin, { type: 'scim', description: 'Okta' });
      const view = await f.policies.update(f.admin, { compatibilityProfile: 'strict', userNameImmutable: true });
      assert.equal(view.compatibilityProfile, 'strict');
      const auth = await f.keys.authenticate(key.secret);
      assert.ok(auth.ok && auth.principal.strict, 'the key cache forgot the organization');
      const history = await f.store.auditEvents.query(f.org.id, { limit: 1, action: 'organization.policies_updated' });
      const event = history.events[0];
      assert.deepEqual(event?.changes, { before: { compatibilityProfile: 'lenient', userNameImmutable: false }, after: { compatibilityProfile: 'strict', userNameImmutable: true } });
      assert.equal(event?.actorName, 'operator@vendor.example');
      assert.equal(event?.requestId, 'req-admin');
      assert.equal(event?.sourceIp, '192.0.2.1');
      await f.policies.update(f.admin, { compatibilityProfile: 'lenient', userNameImmutable: false });
      assert.deepEqual(await f.policies.get(f.org.id), { ...POLICY_PRESETS['email-identity'], userNameImmutable: false, compatibilityProfile: 'lenient' });
      await rejectsWith(f.policies.get('nope'), 404, undefined, /Organization "nope" not found/);
    });
  });
}

for (const dialect of await testDialects()) {
  describe(`policy presets on ${dialect.name}`, () => {
    let f: AdminFixture;
    before(async () => {
      f = await adminFixture(dialect);
    });
    after(() => f.close());

    it('opens a new organization to any unique userName and any userType (rfc-open)', async () => {
      assert.deepEqual(await f.policies.get(f.org.id), { ...POLICY_PRESETS['rfc-open'], compatibilityProfile: 'lenient' });
      const created = await f.users.create(f.scim, { schemas: [USER], userName: 'bjensen', name: { givenName: 'Barbara', familyName: 'Jensen' } });
      assert.equal(created.resource['userName'], 'bjensen');
      assert.equal(created.resource['userType'], 'Employee', 'a missing userType is the default role');
      assert.equal(created.resource['displayName'], undefined, 'nothing is derived');
      await rejectsWith(f.users.create(f.scim, { schemas: [USER], userName: 'BJensen' }), 409, 'uniqueness', /userName/);
    });

    it('keeps a userType that names no role as sent, gives the user the default role and says so in the history and the members view', async () => {
      const created = await f.users.create(f.scim, { ...clientBody('B-O1'), userName: 'contractor@okta.local', externalId: 'c1', userType: 'Contractor' });
      const id = created.resource['id'] as string;
      assert.equal(created.resource['userType'], 'Contractor');
      const history = await f.store.auditEvents.query(f.org.id, { limit: 1, action: 'user.created' });
      assert.deepEqual((history.events[0]?.changes as Record<string, unknown>)['roleMapping'], {
        userType: 'Contractor',
        role: 'Employee',
        reason: 'userType names no role of the organization; the user has the default role',
      });
      const admin = await f.users.create(f.scim, { schemas: [USER], userName: 'boss', userType: 'Admin' });
      const members = await f.roles.members(f.org.id, { count: 10 });
      const byId = new Map(members.users.map((u) => [u.id, u.role]));
      assert.deepEqual(byId.get(id), { role: 'Employee', assignedBy: 'defaultRole' });
      assert.deepEqual(byId.get(admin.resource['id'] as string), { role: 'Admin', assignedBy: 'userType' });
      const adminHistory = await f.store.auditEvents.query(f.org.id, { limit: 1, action: 'user.created' });
      assert.equal((adminHistory.events[0]?.changes as Record<string, unknown>)['roleMapping'], undefined, 'a userType naming a role needs no note');
    });

    it('switches an organization to the email-identity preset and records which preset was applied', async () => {
      const view = await f.policies.update(f.admin, { preset: 'email-identity', allowedDomains: ['contoso.com'] });
      assert.deepEqual(view, { ...POLICY_PRESETS['email-identity'], allowedDomains: ['contoso.com'], compatibilityProfile: 'lenient' });
      await rejectsWith(f.users.create(f.scim, { schemas: [USER], userName: 'kjensen' }), 400, 'invalidValue', /userName "kjensen" is not an e-mail address/);
      await rejectsWith(f.users.create(f.scim, { schemas: [USER], userName: 'k@contoso.com', userType: 'Contractor' }), 400, 'invalidValue', /userType "Contractor" is not a role/);
      const history = await f.store.auditEvents.query(f.org.id, { limit: 1, action: 'organization.policies_updated' });
      assert.equal((history.events[0]?.changes as Record<string, unknown>)['preset'], 'email-identity');
    });

    it('creates an organization with the preset asked for, or the deployment default, and refuses an unknown one', async () => {
      const strictOrg = await f.orgs.create(ADMIN, { name: 'Torii-like', preset: 'email-identity' });
      assert.equal((await f.policies.get(strictOrg.id)).userTypeMustNameRole, true);
      const created = await f.store.auditEvents.query(strictOrg.id, { limit: 1, action: 'organization.created' });
      assert.equal(((created.events[0]?.changes as Record<string, Record<string, unknown>>)['after'] ?? {})['preset'], 'email-identity');
      const deploymentDefault = createOrganizationService({ store: f.store, defaultPreset: 'email-identity' });
      const other = await deploymentDefault.create(ADMIN, { name: 'Defaulted' });
      assert.equal((await f.policies.get(other.id)).userNameMustBeEmail, true);
      await rejectsWith(f.orgs.create(ADMIN, { name: 'Typo', preset: 'open' }), 400, 'invalidValue', /preset must be one of "rfc-open", "email-identity"/);
    });
  });
}
