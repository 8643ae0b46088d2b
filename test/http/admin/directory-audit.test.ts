import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, createAdminHarness, testDialects, type AdminHarness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

for (const dialect of await testDialects()) {
  describe(`admin API directory, history and activity on ${dialect.name}`, () => {
    let h: AdminHarness;
    let scim: string;
    const userIds: string[] = [];
    let groupId: string;
    let globexUser: string;
    before(async () => {
      h = await createAdminHarness(dialect);
      scim = await h.key({ type: 'scim', description: 'Entra' });
      for (let i = 0; i < 5; i += 1) {
        const created = await h.call('POST', '/scim/v2/Users', { token: scim, body: { schemas: [USER], userName: `user${i}@acme.test`, userType: i < 2 ? 'Editor' : undefined } });
        userIds.push(created.json.id);
      }
      const group = await h.call('POST', '/scim/v2/Groups', { token: scim, body: { schemas: [GROUP], displayName: 'Engineering', members: userIds.map((value) => ({ value })) } });
      groupId = group.json.id;
      const globexScim = await h.key({ type: 'scim', description: 'Okta' }, h.globex);
      globexUser = (await h.call('POST', '/scim/v2/Users', { token: globexScim, body: { schemas: [USER], userName: 'x@globex.test' } })).json.id;
    });
    after(() => h.close());

    it('pages users with a cursor and filters them with SCIM filter syntax', async () => {
      const reader = await h.key({ scopes: ['users:read', 'groups:read'] });
      const first = await h.call('GET', `/organizations/${h.acme}/users?count=2`, { token: reader });
      assert.equal(first.json.totalResults, 5);
      const names: string[] = first.json.items.map((u: { userName: string }) => u.userName);
      let cursor = first.json.nextCursor;
      while (cursor) {
        const page = await h.call('GET', `/organizations/${h.acme}/users?count=2&cursor=${encodeURIComponent(cursor)}`, { token: reader });
        names.push(...page.json.items.map((u: { userName: string }) => u.userName));
        assert.equal(page.json.totalResults, undefined, 'counted on the first page only');
        cursor = page.json.nextCursor;
      }
      assert.deepEqual(names, ['user0@acme.test', 'user1@acme.test', 'user2@acme.test', 'user3@acme.test', 'user4@acme.test']);
      const filtered = await h.call('GET', `/organizations/${h.acme}/users?filter=${encodeURIComponent('userName sw "user3"')}`, { token: reader });
      assert.deepEqual(filtered.json.items.map((u: { id: string }) => u.id), [userIds[3]]);
      assertError(await h.call('GET', `/organizations/${h.acme}/users?filter=${encodeURIComponent('userName eq')}`, { token: reader }), 400, 'invalidFilter', /./);
    });

    it('leaves the count out of the first page when asked (total=false), so the rows need not wait for it', async () => {
      const reader = await h.key({ scopes: ['users:read'] });
      const rows = await h.call('GET', `/organizations/${h.acme}/users?count=2&total=false`, { token: reader });
      assert.equal(rows.status, 200);
      assert.equal(rows.json.totalResults, undefined);
      assert.equal(rows.json.items.length, 2);
      const next = await h.call('GET', `/organizations/${h.acme}/users?count=2&total=false&cursor=${encodeURIComponent(rows.json.nextCursor)}`, { token: reader });
      assert.deepEqual(next.json.items.map((u: { userName: string }) => u.userName), ['user2@acme.test', 'user3@acme.test']);
      assert.equal((await h.call('GET', `/organizations/${h.acme}/users?count=1&total=true`, { token: reader })).json.totalResults, 5);
      assertError(await h.call('GET', `/organizations/${h.acme}/users?total=no`, { token: reader }), 400, 'invalidValue', /query\.total/);
    });

    it('shows one user with its groups, and answers a user of another organization with 404', async () => {
      const reader = await h.key({ scopes: ['users:read'] });
      const user = await h.call('GET', `/organizations/${h.acme}/users/${userIds[0]}`, { token: reader });
      assert.deepEqual(user.json.groups.map((g: { display: string }) => g.display), ['Engineering']);
      assertError(await h.call('GET', `/organizations/${h.acme}/users/${globexUser}`, { token: reader }), 404, undefined, new RegExp(`^User "${globexUser}" not found$`));
      assertError(await h.call('GET', `/organizations/${h.acme}/users/${userIds[0]}`, { token: await h.key({ scopes: ['groups:read'] }) }), 403, undefined, /lacks the scope "users:read"/);
    });

    it('reads groups without members and pages their members', async () => {
      const reader = await h.key({ scopes: ['groups:read'] });
      const group = await h.call('GET', `/organizations/${h.acme}/groups/${groupId}`, { token: reader });
      assert.equal(group.json.displayName, 'Engineering');
      assert.equal(group.json.members, undefined, 'members are paged separately');
      assert.deepEqual((await h.call('GET', `/organizations/${h.acme}/groups`, { token: reader })).json.items.map((g: { id: string }) => g.id), [groupId]);
      const members: string[] = [];
      let cursor: string | undefined = '';
      while (cursor !== undefined) {
        const page = await h.call('GET', `/organizations/${h.acme}/groups/${groupId}/members?count=2${cursor ? `&cursor=${cursor}` : ''}`, { token: reader });
        assert.ok(page.json.items.length <= 2);
        members.push(...page.json.items.map((m: { value: string }) => m.value));
        cursor = page.json.nextCursor;
      }
      assert.deepEqual(members, [...userIds].sort());
      assertError(await h.call('GET', `/organizations/${h.acme}/groups/${groupId}/members?cursor=bogus`, { token: reader }), 400, 'invalidValue', /cursor is not valid/);
      assertError(await h.call('GET', `/organizations/${h.acme}/groups/missing/members`, { token: reader }), 404, undefined, /^Group "missing" not found$/);
    });

    it('queries the history with filters and a cursor, and shows one user\'s own history', async () => {
      const auditor = await h.key({ scopes: ['audit:read'] });
      const scimChanges = await h.call('GET', `/organizations/${h.acme}/audit?actorType=scim&action=user.created&order=oldest&count=3`, { token: auditor });
      assert.equal(scimChanges.json.items.length, 3);
      assert.ok(scimChanges.json.items.every((e: { actorName: string }) => e.actorName === 'SCIM System User (Entra)'));
      const rest = await h.call('GET', `/organizations/${h.acme}/audit?actorType=scim&action=user.created&order=oldest&count=3&cursor=${encodeURIComponent(scimChanges.json.nextCursor)}`, { token: auditor });
      assert.equal(rest.json.items.length, 2);
      const history = await h.call('GET', `/organizations/${h.acme}/users/${userIds[1]}/history`, { token: auditor });
      assert.deepEqual(history.json.items.map((e: { action: string }) => e.action), ['user.created']);
      assertError(await h.call('GET', `/organizations/${h.acme}/audit?actorType=robot`, { token: auditor }), 400, 'invalidValue', /query\.actorType/);
      assertError(await h.call('GET', `/organizations/${h.acme}/audit?from=yesterday`, { token: auditor }), 400, 'invalidValue', /from "yesterday" is not an ISO 8601 date/);
    });

    it('exports the history as CSV and as JSON, streamed with a download name', async () => {
      const auditor = await h.key({ scopes: ['audit:read'] });
      const csv = await h.call('GET', `/organizations/${h.acme}/audit/export?format=csv&action=user.created`, { token: auditor });
      assert.equal(csv.status, 200);
      assert.equal(csv.headers.get('Content-Type'), 'text/csv; charset=utf-8');
      assert.equal(csv.headers.get('Content-Disposition'), `attachment; filename="audit-${h.acme}.csv"`);
      const lines = csv.text.trim().split('\n');
      assert.match(lines[0]!, /^occurredAt,actorType,actorId,actorName,action/);
      assert.equal(lines.length, 6);
      const json = await h.call('GET', `/organizations/${h.acme}/audit/export?format=json&action=user.created`, { token: auditor });
      assert.equal(json.headers.get('Content-Type'), 'application/json; charset=utf-8');
      assert.equal(json.json.length, 5);
      assertError(await h.call('GET', `/organizations/${h.acme}/audit/export?format=xml`, { token: auditor }), 400, 'invalidValue', /query\.format/);
    });

    it('shows provisioning activity: changes per hour, the last success and the last errors', async () => {
      await h.call('POST', '/scim/v2/Users', { token: scim, body: { schemas: [USER], userName: 'user0@acme.test' } });
      const activity = await h.call('GET', `/organizations/${h.acme}/activity?bucket=hour`, { token: await h.key({ scopes: ['activity:read'] }) });
      assert.equal(activity.status, 200);
      const total = activity.json.buckets.reduce((sum: number, b: { creates: number }) => sum + b.creates, 0);
      assert.equal(total, 6, 'five users and one group');
      assert.equal(activity.json.lastErrors[0].status, 409);
      assert.notEqual(activity.json.lastSuccessAt, null);
    });
  });
}
