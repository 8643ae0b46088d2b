import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects } from './harness.ts';

const iso = (text: string) => new Date(text).toISOString();

for (const dialect of await testDialects()) {
  describe(`operators, setup links, mail log and the key sweep on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    before(async () => {
      store = await dialect.open({ clock: () => new Date((now += 1)) });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
    });
    after(() => dialect.close(store));

    it('keeps operator e-mails unique regardless of case and finds operators by e-mail', async () => {
      const ada = await store.operators.create({ email: 'Ada@Example.com', passwordHash: '$argon2id$x' });
      assert.deepEqual(await store.operators.findByEmail('ada@example.COM'), ada);
      assert.deepEqual(await store.operators.get(ada.id), ada);
      await assert.rejects(store.operators.create({ email: 'ADA@example.com', passwordHash: 'y' }), (e: unknown) => {
        assert.ok(e instanceof ScimError);
        assert.equal(e.status, 409);
        assert.equal(e.scimType, 'uniqueness');
        assert.match(e.detail, /^email "ADA@example.com" is already in use/);
        return true;
      });
      assert.equal(await store.operators.setPasswordHash(ada.id, '$argon2id$z'), true);
      await store.operators.recordLogin(ada.id, '2026-01-02T00:00:00.000Z');
      const reread = await store.operators.get(ada.id);
      assert.equal(reread?.passwordHash, '$argon2id$z');
      assert.equal(reread?.lastLoginAt, '2026-01-02T00:00:00.000Z');
      assert.deepEqual((await store.operators.list()).map((o) => o.email), ['Ada@Example.com']);
    });

    it('stores sessions by token hash, deletes one, and purges expired ones', async () => {
      const ada = await store.operators.findByEmail('ada@example.com');
      assert.ok(ada);
      const live = await store.operators.createSession({ operatorId: ada.id, tokenHash: 'live', expiresAt: iso('2026-02-01') });
      const old = await store.operators.createSession({ operatorId: ada.id, tokenHash: 'old', expiresAt: iso('2025-12-01') });
      assert.deepEqual(await store.operators.findSession('live'), live);
      assert.equal(await store.operators.deleteExpiredSessions(iso('2026-01-01')), 1);
      assert.equal(await store.operators.findSession('old'), undefined);
      assert.equal(await store.operators.deleteSession(live.id), true);
      assert.equal(await store.operators.deleteSession(old.id), false);
      assert.equal(await store.operators.findSession('live'), undefined);
    });

    it('scopes setup links to their organization and revokes them once', async () => {
      const link = await store.setupLinks.create(org, { tokenHash: 't1', createdBy: 'ada@example.com', expiresAt: iso('2026-01-08') });
      const second = await store.setupLinks.create(org, { tokenHash: 't2', createdBy: 'ada@example.com', expiresAt: iso('2026-01-09') });
      assert.deepEqual(await store.setupLinks.findByHash('t1'), link);
      assert.equal(await store.setupLinks.get(other, link.id), undefined);
      assert.deepEqual((await store.setupLinks.list(org)).map((l) => l.id), [second.id, link.id], 'newest first');
      assert.deepEqual(await store.setupLinks.list(other), []);
      const revoked = await store.setupLinks.revoke(org, link.id, '2026-01-03T00:00:00.000Z');
      assert.equal(revoked?.revokedAt, '2026-01-03T00:00:00.000Z');
      assert.equal((await store.setupLinks.revoke(org, link.id, '2026-01-04T00:00:00.000Z'))?.revokedAt, '2026-01-03T00:00:00.000Z');
      assert.equal(await store.setupLinks.revoke(other, second.id, '2026-01-04T00:00:00.000Z'), undefined);
    });

    it('appends mails to the log and pages them newest first per organization', async () => {
      const entry = { kind: 'key-expiring', recipients: ['it@acme.test'], subject: 's', body: 'b', transport: 'log', status: 'logged', messageId: null, error: null } as const;
      const first = await store.mailLog.append(org, entry);
      const second = await store.mailLog.append(org, { ...entry, kind: 'key-expired', recipients: ['it@acme.test', 'sec@acme.test'] });
      await store.mailLog.append(other, entry);
      assert.deepEqual(await store.mailLog.list(org, { limit: 10 }), [second, first]);
      assert.deepEqual(await store.mailLog.list(org, { before: second.id, limit: 10 }), [first]);
      assert.deepEqual((await store.mailLog.list(org, { limit: 1 })).map((m) => m.id), [second.id]);
    });

    it('finds keys due for a reminder until a job with their dedupe key exists', async () => {
      const key = (expiresAt: string | null, secretHash: string) => store.apiKeys.create(org, { type: 'scim', description: secretHash, prefix: 'p', secretHash, expiresAt });
      const soon = await key(iso('2026-01-20'), 'soon');
      const later = await key(iso('2026-06-01'), 'later');
      await key(null, 'never');
      const revoked = await key(iso('2026-01-10'), 'revoked');
      await store.apiKeys.revoke(org, revoked.id, iso('2026-01-02'));
      const otherKey = await store.apiKeys.create(other, { type: 'api', description: 'o', prefix: 'p', secretHash: 'o', expiresAt: iso('2026-01-05') });
      const due = (window: { expiresFrom?: string; expiresBefore: string }) => store.keyReminders.due('key-expiring', window, 10).then((keys) => keys.map((k) => k.id));
      assert.deepEqual(await due({ expiresBefore: iso('2026-02-01') }), [otherKey.id, soon.id], 'soonest first, across organizations');
      assert.deepEqual(await due({ expiresFrom: iso('2026-01-05'), expiresBefore: iso('2026-12-31') }), [soon.id, later.id], 'the lower bound is exclusive');
      await store.jobs.enqueue(org, { kind: 'key-expiring', dedupeKey: `key-expiring:${soon.id}` });
      await store.jobs.enqueue(org, { kind: 'key-expired', dedupeKey: `key-expired:${otherKey.id}` });
      assert.deepEqual(await due({ expiresBefore: iso('2026-02-01') }), [otherKey.id], 'a job of another kind does not count');
      assert.deepEqual(await store.keyReminders.due('key-expiring', { expiresBefore: iso('2026-12-31') }, 1).then((k) => k.map((x) => x.id)), [otherKey.id]);
    });

    it('deletes setup links and mails with their organization but keeps operators', async () => {
      assert.equal(await store.organizations.delete(org), true);
      assert.deepEqual(await store.setupLinks.list(org), []);
      assert.deepEqual(await store.mailLog.list(org, { limit: 10 }), []);
      assert.equal((await store.operators.list()).length, 1);
    });
  });
}
