/**
 * The SCIM edge reports every authenticated request's outcome to the provisioning-activity service:
 * successes are counted, errors keep the exact SCIM error body the client received.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { createActivityService } from '../../src/services/activity.ts';
import { createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('provisioning activity from the SCIM edge', () => {
  let h: Harness;
  let activity: ReturnType<typeof createActivityService>;
  before(async () => {
    let store: Harness['store'] | undefined;
    h = await createHarness({
      overrides: (deps) => {
        store = deps.store as Harness['store'];
        activity = createActivityService({ store: store, clock: () => new Date('2026-03-01T10:15:00.000Z'), flushIntervalMs: 0 });
        return { activity };
      },
    });
  });
  after(async () => {
    await activity.close();
    await h.close();
  });

  it('counts successes and keeps the error body of a 409, a 404 and the 403 of a disabled organization', async () => {
    assert.equal((await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'ann@contoso.com' } })).status, 201);
    assert.equal((await h.call('GET', '/Users?filter=userName+eq+%22ann@contoso.com%22')).status, 200);
    const duplicate = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'ann@contoso.com' }, headers: { 'X-Request-Id': 'dup-1' } });
    assert.equal(duplicate.status, 409);
    const missing = await h.call('GET', '/Users/does-not-exist');
    assert.equal(missing.status, 404);
    await h.orgs.setScimEnabled({ orgId: h.orgId, actor: SYSTEM_ACTOR }, false);
    const disabled = await h.call('GET', '/Users');
    assert.equal(disabled.status, 403);
    await h.orgs.setScimEnabled({ orgId: h.orgId, actor: SYSTEM_ACTOR }, true);
    assert.equal((await h.call('GET', '/Users', { token: 'scimd_00000000_unknown-token-that-matches-nothing-at-all' })).status, 401);

    const summary = await activity.summary(h.orgId, { bucket: 'hour', from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z' });
    assert.equal(summary.buckets[0]?.errors, 3, 'the 401 of an unknown key belongs to no organization');
    assert.equal(summary.lastSuccessAt, '2026-03-01T10:15:00.000Z');
    const byStatus = new Map(summary.lastErrors.map((e) => [e.status, e]));
    assert.deepEqual([...byStatus.keys()].sort(), [403, 404, 409]);
    const conflict = byStatus.get(409)!;
    assert.deepEqual(conflict.body, duplicate.json);
    assert.deepEqual([conflict.method, conflict.path, conflict.requestId, conflict.scimType], ['POST', '/scim/v2/Users', 'dup-1', 'uniqueness']);
    assert.ok(conflict.keyId);
    assert.deepEqual(byStatus.get(404)?.body, missing.json);
    assert.deepEqual(byStatus.get(403)?.body, disabled.json);
    assert.match(byStatus.get(403)?.detail ?? '', /SCIM provisioning is disabled/);
  });
});
