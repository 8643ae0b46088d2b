import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchRequest } from '../core/messages/patch-request.ts';
import { testDialects } from '../../test/store/harness.ts';
import { adminFixture, rejectsWith, type AdminFixture } from '../../test/services/kit.ts';
import { createActivityService, summaryRange } from './activity.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const HOUR = 60 * 60 * 1000;
const deactivate = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] });
const conflict = (n: number) => ({
  keyId: 'key-1',
  requestId: `req-${n}`,
  method: 'POST',
  path: '/scim/v2/Users',
  status: 409,
  body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: `userName "u${n}@contoso.com" is already taken` },
});

describe('activity ranges', () => {
  const now = new Date('2026-03-01T12:34:56.000Z');
  it('defaults to the last 24 whole hours or 30 whole days, including the current one', () => {
    assert.deepEqual(summaryRange('hour', now), { from: Date.parse('2026-02-28T13:00:00Z'), to: Date.parse('2026-03-01T13:00:00Z') });
    assert.deepEqual(summaryRange('day', now), { from: Date.parse('2026-01-31T00:00:00Z'), to: Date.parse('2026-03-02T00:00:00Z') });
    assert.deepEqual(summaryRange('day', now, '2026-02-01', '2026-02-03'), { from: Date.parse('2026-02-01T00:00:00Z'), to: Date.parse('2026-02-03T00:00:00Z') });
  });

  it('refuses unknown buckets, reversed ranges and ranges that are too long', () => {
    assert.throws(() => summaryRange('week' as 'day', now), /bucket must be "hour" or "day", not "week"/);
    assert.throws(() => summaryRange('hour', now, '2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z'), /from must be before to/);
    assert.throws(() => summaryRange('hour', now, '2026-01-01T00:00:00Z'), /at most 336 hours/);
    assert.throws(() => summaryRange('day', now, 'last week'), /from "last week" is not an ISO 8601/);
  });
});

for (const dialect of await testDialects()) {
  describe(`provisioning activity on ${dialect.name}`, () => {
    let f: AdminFixture;
    let activity: ReturnType<typeof createActivityService>;
    before(async () => {
      f = await adminFixture(dialect);
      activity = createActivityService({ store: f.store, clock: f.time.clock, flushIntervalMs: 0, maxSamplesPerFlush: 3 });
      // 12:00 — two creates and one deactivation through SCIM, one admin change (not counted).
      const ann = await f.users.create(f.scim, { schemas: [USER], userName: 'ann@contoso.com', active: true });
      await f.users.create(f.scim, { schemas: [USER], userName: 'bob@contoso.com', active: true });
      await f.users.patch(f.scim, ann.resource['id'] as string, deactivate);
      await f.roles.create(f.admin, { name: 'Contractor' });
      activity.recordSuccess(f.org.id);
      for (let n = 1; n <= 5; n += 1) activity.recordError(f.org.id, conflict(n));
      // 14:00 — a delete and a success.
      f.time.advance(2 * HOUR);
      await f.users.remove(f.scim, ann.resource['id'] as string);
      activity.recordSuccess(f.org.id);
    });
    after(async () => {
      await activity.close();
      await f.close();
    });

    it('counts creates, deactivations, deletes and errors per hour with empty hours as zero', async () => {
      const summary = await activity.summary(f.org.id, { bucket: 'hour', from: '2026-03-01T11:00:00Z', to: '2026-03-01T15:00:00Z' });
      assert.deepEqual(summary.buckets.map((b) => [b.start.slice(11, 13), b.creates, b.updates, b.deactivations, b.deletes, b.errors]), [
        ['11', 0, 0, 0, 0, 0],
        ['12', 2, 0, 1, 0, 5],
        ['13', 0, 0, 0, 0, 0],
        ['14', 0, 0, 0, 1, 0],
      ]);
      assert.equal(summary.lastSuccessAt?.slice(0, 13), '2026-03-01T14');
    });

    it('adds the hours up per day', async () => {
      const summary = await activity.summary(f.org.id, { bucket: 'day' });
      const today = summary.buckets.at(-1)!;
      assert.equal(summary.buckets.length, 30);
      assert.deepEqual([today.start, today.creates, today.deactivations, today.deletes, today.errors], ['2026-03-01T00:00:00.000Z', 2, 1, 1, 5]);
    });

    it('keeps the last errors with the SCIM error body, sampling at most the cap per flush', async () => {
      const summary = await activity.summary(f.org.id, { errors: 10 });
      assert.equal(summary.lastErrors.length, 3, 'five errors counted, three sampled');
      const newest = summary.lastErrors[0]!;
      assert.deepEqual([newest.status, newest.scimType, newest.method, newest.path, newest.keyId], [409, 'uniqueness', 'POST', '/scim/v2/Users', 'key-1']);
      assert.deepEqual(newest.body, conflict(Number(newest.requestId!.slice(4))).body);
      assert.match(newest.detail, /is already taken/);
    });

    it('refuses a bad error count with 400 invalidValue', async () => {
      await rejectsWith(activity.summary(f.org.id, { errors: 101 }), 400, 'invalidValue', /errors must be an integer from 0 to 100/);
      await rejectsWith(activity.applyRetention(0), 400, 'invalidValue', /at least 1/);
    });

    it('forgets counters and samples older than the retention period', async () => {
      f.time.advance(40 * 24 * HOUR);
      assert.ok((await activity.applyRetention(30)) >= 4);
      const summary = await activity.summary(f.org.id, { bucket: 'day' });
      assert.equal(summary.lastSuccessAt, null);
      assert.deepEqual(summary.lastErrors, []);
    });
  });
}
