import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScimError } from '../core/scim-error.ts';
import type { SqlStore } from '../store/sql/sql-store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { migrateToLatest } from '../store/migrations/migrate.ts';
import { createOrganizationService, SYSTEM_ACTOR } from './organizations.ts';
import { createSetupLinkService, parseDuration, setupLinkUrl, SETUP_TOKEN_PREFIX } from './setup-links.ts';

const DAY = 86_400_000;

function scimError(status: number, scimType: string | undefined, detail: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ScimError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.scimType, scimType);
    assert.match(error.detail, detail);
    return true;
  };
}

describe('setup links', () => {
  let store: SqlStore;
  let orgId: string;
  let now = Date.parse('2026-03-01T00:00:00.000Z');
  const clock = () => new Date(now);
  const links = () => createSetupLinkService({ store, clock });
  const ctx = () => ({ orgId, actor: { type: 'admin', id: 'op-1', name: 'ada@vendor.test' } as const, requestId: 'req-1' });
  before(async () => {
    store = createSqliteStore({ path: ':memory:', clock });
    await migrateToLatest(store);
    orgId = (await createOrganizationService({ store, clock }).create(SYSTEM_ACTOR, { name: 'Acme' })).id;
  });
  after(() => store.close());

  it('parses durations in minutes, hours and days and refuses anything else', () => {
    assert.equal(parseDuration('30m'), 30 * 60_000);
    assert.equal(parseDuration('12h'), 12 * 3_600_000);
    assert.equal(parseDuration(' 7d '), 7 * DAY);
    for (const bad of ['7', '7w', '-1d', '0d', '1.5d', '']) {
      assert.throws(() => parseDuration(bad), scimError(400, 'invalidValue', /is not a duration; use minutes, hours or days/));
    }
  });

  it('creates a link whose token grants its organization until it expires, and records it in the history', async () => {
    const created = await links().create(ctx(), { expiresInMs: 7 * DAY });
    assert.ok(created.token.startsWith(SETUP_TOKEN_PREFIX));
    assert.deepEqual({ ...created.link, id: undefined }, {
      id: undefined, orgId, createdBy: 'ada@vendor.test', createdAt: '2026-03-01T00:00:00.000Z', expiresAt: '2026-03-08T00:00:00.000Z', revokedAt: null, status: 'active',
    });
    assert.equal(setupLinkUrl('https://scim.example.com/', created.token), `https://scim.example.com/console/setup#token=${created.token}`);
    assert.deepEqual(await links().authenticate(created.token), { ok: true, principal: { orgId, linkId: created.link.id, expiresAt: '2026-03-08T00:00:00.000Z' } });
    const { events } = await store.auditEvents.query(orgId, { limit: 1, action: 'setup_link.created' });
    assert.equal(events[0]?.actorName, 'ada@vendor.test');
    assert.equal(events[0]?.requestId, 'req-1');
    assert.equal(JSON.stringify(events[0]?.changes).includes(created.token), false, 'the token is never recorded');
    now += 7 * DAY;
    assert.deepEqual(await links().authenticate(created.token), { ok: false, reason: 'expired' });
    assert.equal((await links().list(orgId))[0]?.status, 'expired');
  });

  it('revokes a link once and refuses its token afterwards', async () => {
    const created = await links().create(ctx());
    assert.equal(created.link.expiresAt, new Date(now + 7 * DAY).toISOString(), 'seven days by default');
    const revoked = await links().revoke(ctx(), created.link.id);
    assert.equal(revoked.status, 'revoked');
    assert.equal((await links().revoke(ctx(), created.link.id)).revokedAt, revoked.revokedAt, 'idempotent');
    assert.deepEqual(await links().authenticate(created.token), { ok: false, reason: 'revoked' });
    assert.equal((await store.auditEvents.query(orgId, { limit: 10, action: 'setup_link.revoked' })).events.length, 1);
  });

  it('refuses unknown tokens, unknown links, unknown organizations and links longer than 30 days', async () => {
    assert.deepEqual(await links().authenticate(`${SETUP_TOKEN_PREFIX}${'x'.repeat(43)}`), { ok: false, reason: 'unknown' });
    assert.deepEqual(await links().authenticate('scimd_session_whatever'), { ok: false, reason: 'unknown' });
    await assert.rejects(links().revoke(ctx(), 'nope'), scimError(404, undefined, /^Setup link "nope" not found$/));
    await assert.rejects(links().create({ ...ctx(), orgId: 'missing' }), scimError(404, undefined, /^Organization "missing" not found$/));
    await assert.rejects(links().create(ctx(), { expiresInMs: 31 * DAY }), scimError(400, 'invalidValue', /within 30 days/));
  });
});
