/**
 * The event feed and the webhook endpoints over the admin API: paging oldest first, type filters,
 * long-polling, 410 for a cursor older than retention, scopes, other organizations (404), and the
 * endpoint lifecycle with its secret shown once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEventService } from '../../../src/services/events.ts';
import { assertError, createAdminHarness, testDialects, type AdminHarness } from './harness.ts';

const USER = (n: number) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `feed${n}@acme.test`, active: true });

for (const dialect of await testDialects()) {
  describe(`event feed and webhooks over the admin API on ${dialect.name}`, () => {
    let h: AdminHarness;
    let scim: string;
    before(async () => {
      h = await createAdminHarness(dialect);
      scim = await h.key({ type: 'scim', description: 'Entra' });
    });
    after(() => h.close());

    const events = (path = '', token?: string) => h.call('GET', `/organizations/${h.acme}/events${path}`, token === undefined ? {} : { token });

    it('pages the feed oldest first with a cursor, filtering by type', async () => {
      const created = [];
      for (let n = 0; n < 5; n += 1) created.push((await h.call('POST', '/scim/v2/Users', { token: scim, body: USER(n) })).json.id as string);
      await h.call('PATCH', `/scim/v2/Users/${created[0]}`, { token: scim, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] } });
      const all = await events('?limit=100');
      const types = all.json.data.map((e: { type: string }) => e.type);
      const users = all.json.data.filter((e: { type: string }) => e.type.startsWith('scimd.user.'));
      assert.deepEqual(users.map((e: { subject: string }) => e.subject), [...created, created[0]]);
      assert.ok(types.includes('scimd.key.created'), 'creating the SCIM key was an event too');
      const first = all.json.data[0];
      assert.equal(first.specversion, '1.0');
      assert.equal(first.source, `/organizations/${h.acme}`);
      assert.equal(first.datacontenttype, 'application/json');
      assert.match(first.sequence, /^\d{16}$/);
      let cursor: string | undefined;
      const paged: string[] = [];
      for (;;) {
        const page = await events(`?limit=2${cursor ? `&after=${cursor}` : ''}`);
        assert.equal(page.status, 200);
        if (page.json.data.length === 0) {
          assert.equal(page.json.next, cursor);
          break;
        }
        paged.push(...page.json.data.map((e: { id: string }) => e.id));
        cursor = page.json.next;
      }
      assert.deepEqual(paged, all.json.data.map((e: { id: string }) => e.id));
      const deactivations = await events('?types=scimd.user.deactivated');
      assert.deepEqual(deactivations.json.data.map((e: { subject: string }) => e.subject), [created[0]]);
      assert.deepEqual(deactivations.json.data[0].data.changed, ['active']);
      assertError(await events('?types=user.nope'), 400, 'invalidValue', /Unknown event type\(s\) user\.nope/);
      assertError(await events('?after=abc'), 400, 'invalidValue', /not a cursor/);
    });

    it('long-polls until an event arrives, and returns the same cursor when the wait ends empty', async () => {
      const latest = (await events('?limit=1000')).json.next as string;
      const empty = await events(`?after=${latest}&wait=1`);
      assert.deepEqual(empty.json, { data: [], next: latest });
      const waiting = events(`?after=${latest}&wait=20`);
      await new Promise((r) => setTimeout(r, 100));
      await h.call('POST', '/scim/v2/Users', { token: scim, body: USER(99) });
      const woke = await waiting;
      assert.equal(woke.json.data.length, 1);
      assert.equal(woke.json.data[0].type, 'scimd.user.created');
    });

    it('needs events:read, and hides other organizations behind 404', async () => {
      const reader = await h.key({ scopes: ['events:read'] });
      const other = await h.key({ scopes: ['users:read'] });
      assert.equal((await events('', reader)).status, 200);
      assertError(await events('', other), 403, undefined, /lacks the scope "events:read"/);
      assertError(await h.call('GET', `/organizations/${h.globex}/events`, { token: reader }), 404, undefined, /not found/);
      assertError(await events('', scim), 403, undefined, /SCIM key/);
    });

    it('registers an endpoint with its secret once, and lists, updates, disables, rotates, replays and deletes it', async () => {
      const path = `/organizations/${h.acme}/webhooks`;
      const created = await h.call('POST', path, { body: { url: 'http://127.0.0.1:9/hooks', types: ['scimd.user.created'], description: 'host app' } });
      assert.equal(created.status, 201);
      const { id, secret } = created.json;
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      const listed = await h.call('GET', path);
      assert.equal(listed.text.includes(secret), false);
      assert.deepEqual(listed.json.items.map((e: { id: string }) => e.id), [id]);
      const disabled = await h.call('PATCH', `${path}/${id}`, { body: { enabled: false } });
      assert.equal(disabled.json.status, 'disabled');
      const enabled = await h.call('PATCH', `${path}/${id}`, { body: { enabled: true, types: [] } });
      assert.deepEqual([enabled.json.status, enabled.json.types], ['enabled', []]);
      const rotated = await h.call('POST', `${path}/${id}/rotate`);
      assert.notEqual(rotated.json.secret, secret);
      assert.equal(rotated.json.previousSecretExpiresAt, new Date(h.now().getTime() + 86_400_000).toISOString());
      const event = (await events('?limit=1000')).json.data.at(-1);
      const replayed = await h.call('POST', `${path}/${id}/replay`, { body: { eventId: event.id } });
      assert.deepEqual([replayed.status, replayed.json], [202, { queued: 1 }]);
      const deliveries = await h.call('GET', `${path}/${id}/deliveries`);
      assert.deepEqual(deliveries.json.items.map((d: { eventId: string; status: string }) => [d.eventId, d.status]), [[event.id, 'pending']]);
      assert.deepEqual((await h.call('GET', `${path}/${id}/attempts`)).json, { items: [] });
      assertError(await h.call('POST', `${path}/${id}/replay`, { body: {} }), 400, 'invalidValue', /exactly one of/);
      assertError(await h.call('GET', `/organizations/${h.globex}/webhooks/${id}`), 404, undefined, /not found/);
      const writer = await h.key({ scopes: ['webhooks:read'] });
      assertError(await h.call('DELETE', `${path}/${id}`, { token: writer }), 403, undefined, /webhooks:write/);
      assert.equal((await h.call('DELETE', `${path}/${id}`)).status, 204);
      assertError(await h.call('GET', `${path}/${id}`), 404, undefined, /not found/);
      assertError(await h.call('POST', path, { body: { url: 'ftp://example.com/x' } }), 400, 'invalidValue', /must use https/);
    });

    it('answers 410 for a cursor older than retention, and serves the retained events without one', async () => {
      const old = (await events('?limit=1')).json.data[0];
      // Operator sessions do not last a month: read with a key from here on.
      const reader = await h.key({ scopes: ['events:read'] });
      h.advance(31 * 86_400_000);
      await h.call('POST', '/scim/v2/Users', { token: scim, body: USER(200) });
      const deleted = await createEventService({ store: h.store, clock: h.now }).applyRetention(30);
      assert.ok(deleted.deleted > 0);
      assertError(await events(`?after=${old.sequence}`, reader), 410, undefined, /older than the event retention/);
      const fresh = await events('', reader);
      assert.deepEqual(fresh.json.data.map((e: { type: string }) => e.type), ['scimd.user.created']);
    });
  });
}
