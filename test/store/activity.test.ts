import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { NewAuditEvent } from '../../src/store/store.ts';
import { fakeClock, testDialects } from './harness.ts';

const hour = (orgId: string, h: string, over: Partial<{ successes: number; errors: number; lastSuccessAt: string | null; lastErrorAt: string | null }> = {}) => ({
  orgId,
  hour: h,
  successes: 0,
  errors: 0,
  lastSuccessAt: null,
  lastErrorAt: null,
  ...over,
});

const change = (action: string, occurredAt: string, actorType: 'scim' | 'admin' = 'scim'): NewAuditEvent => ({
  actorType,
  actorId: 'key-1',
  actorName: 'SCIM System User',
  action,
  resourceType: 'User',
  resourceId: 'u-1',
  requestId: null,
  sourceIp: null,
  changes: null,
  occurredAt,
});

for (const dialect of await testDialects()) {
  describe(`provisioning activity store on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
    });
    after(() => dialect.close(store));

    it('adds hourly counters and keeps the latest success and error times whatever order they arrive in', async () => {
      await store.activity.addCounts([
        hour(org, '2026-03-01T10', { successes: 5, lastSuccessAt: '2026-03-01T10:30:00.000Z' }),
        hour(other, '2026-03-01T10', { successes: 1, lastSuccessAt: '2026-03-01T10:59:00.000Z' }),
      ]);
      await store.activity.addCounts([hour(org, '2026-03-01T10', { successes: 2, errors: 1, lastSuccessAt: '2026-03-01T10:10:00.000Z', lastErrorAt: '2026-03-01T10:11:00.000Z' })]);
      await store.activity.addCounts([hour(org, '2026-03-01T11', { errors: 3, lastErrorAt: '2026-03-01T11:05:00.000Z' })]);
      const rows = await store.activity.hours(org, { from: '2026-03-01T00', to: '2026-03-02T00' });
      assert.deepEqual(rows.map((r) => [r.hour, r.successes, r.errors, r.lastSuccessAt, r.lastErrorAt]), [
        ['2026-03-01T10', 7, 1, '2026-03-01T10:30:00.000Z', '2026-03-01T10:11:00.000Z'],
        ['2026-03-01T11', 0, 3, null, '2026-03-01T11:05:00.000Z'],
      ]);
      assert.equal(await store.activity.lastSuccessAt(org), '2026-03-01T10:30:00.000Z');
      assert.equal(await store.activity.lastSuccessAt(other), '2026-03-01T10:59:00.000Z');
      assert.deepEqual(await store.activity.hours(org, { from: '2026-03-01T11', to: '2026-03-01T12' }).then((r) => r.length), 1);
    });

    it('keeps error samples with their SCIM error body, newest first, per organization', async () => {
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'userName "ann@contoso.com" is taken' };
      await store.activity.recordErrors([
        { orgId: org, occurredAt: '2026-03-01T10:00:00.000Z', keyId: 'key-1', requestId: 'r1', method: 'POST', path: '/scim/v2/Users', status: 409, scimType: 'uniqueness', detail: body.detail, body },
        { orgId: org, occurredAt: '2026-03-01T11:00:00.000Z', keyId: null, requestId: 'r2', method: 'GET', path: '/scim/v2/Users', status: 403, scimType: null, detail: 'SCIM off', body: { status: '403' } },
        { orgId: other, occurredAt: '2026-03-01T12:00:00.000Z', keyId: null, requestId: 'r3', method: 'GET', path: '/scim/v2/Groups', status: 400, scimType: 'invalidFilter', detail: 'bad', body: {} },
      ]);
      const errors = await store.activity.lastErrors(org, 10);
      assert.deepEqual(errors.map((e) => [e.status, e.requestId]), [[403, 'r2'], [409, 'r1']]);
      assert.deepEqual(errors[1]?.body, body);
      assert.equal(errors[1]?.scimType, 'uniqueness');
      assert.equal((await store.activity.lastErrors(org, 1)).length, 1);
    });

    it('counts SCIM changes from the revision history per hour and per day, leaving admin changes out', async () => {
      for (const [action, at] of [
        ['user.created', '2026-03-01T10:05:00.000Z'],
        ['user.created', '2026-03-01T10:45:00.000Z'],
        ['user.deactivated', '2026-03-01T11:00:00.000Z'],
        ['group.member_added', '2026-03-02T09:00:00.000Z'],
      ] as const) await store.auditEvents.append(org, change(action, at));
      await store.auditEvents.append(org, change('role.created', '2026-03-01T10:06:00.000Z', 'admin'));
      const hourly = await store.activity.changeCounts(org, { from: '2026-03-01T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', bucket: 'hour' });
      assert.deepEqual(hourly.map((c) => [c.bucket, c.action, c.count]), [
        ['2026-03-01T10', 'user.created', 2],
        ['2026-03-01T11', 'user.deactivated', 1],
        ['2026-03-02T09', 'group.member_added', 1],
      ]);
      const daily = await store.activity.changeCounts(org, { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', bucket: 'day' });
      assert.deepEqual(daily.map((c) => [c.bucket, c.action, c.count]), [['2026-03-01', 'user.created', 2], ['2026-03-01', 'user.deactivated', 1]]);
      assert.deepEqual(await store.activity.changeCounts(other, { from: '2026-03-01T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', bucket: 'day' }), []);
    });

    it('prunes counters and samples older than the cut-off, and deletes them with their organization', async () => {
      const deleted = await store.activity.deleteBefore('2026-03-01T11:30:00.000Z');
      assert.equal(deleted, 4, 'the 10:00 hour of both organizations and the samples of 10:00 and 11:00');
      assert.deepEqual((await store.activity.hours(org, { from: '2026-01-01T00', to: '2027-01-01T00' })).map((r) => r.hour), ['2026-03-01T11']);
      assert.deepEqual((await store.activity.lastErrors(org, 10)).map((e) => e.requestId), []);
      assert.equal((await store.activity.lastErrors(other, 10)).length, 1);
      await store.organizations.delete(other);
      assert.deepEqual(await store.activity.lastErrors(other, 10), []);
      assert.equal(await store.activity.lastSuccessAt(other), undefined);
    });
  });
}
