/**
 * Webhook delivery end to end over a real HTTP receiver on 127.0.0.1, on every dialect: signatures
 * a Standard Webhooks library accepts (also during a rotation), retries after 500s and timeouts,
 * order per resource with parallelism across resources, dead letters and replay, disabling an
 * endpoint that keeps failing (one mail), and fan-out of the CloudEvents envelope.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { groupSchemas } from '../../src/core/schema/resource-types.ts';
import { scimActor } from '../../src/services/context.ts';
import { createKeyReminderService } from '../../src/services/key-reminders.ts';
import { createMailService } from '../../src/services/mail.ts';
import { createGroupService } from '../../src/services/scim-groups.ts';
import { createWebhookDeliverer } from '../../src/services/webhook-delivery.ts';
import { createWebhookService } from '../../src/services/webhooks.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createWebhookWorker } from '../../src/workers/webhook-worker.ts';
import { ADMIN, adminServices } from '../services/kit.ts';
import { testDialects } from '../store/harness.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const dialects = await testDialects();

const userBody = (n: number) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `user${n}@contoso.com`, active: true });

for (const dialect of dialects) {
  describe(`webhook delivery on ${dialect.name}`, () => {
    let store: SqlStore;
    let orgId: string;
    let services: ReturnType<typeof adminServices>;
    const receivers: Receiver[] = [];

    before(async () => {
      store = await dialect.open();
      services = adminServices(store, () => new Date());
      orgId = (await services.orgs.create(ADMIN, { name: 'Acme' })).id;
      assert.ok(orgId);
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await dialect.close(store);
    });

    /** A fresh organization with an endpoint at a new receiver, and a worker with short timings. */
    async function setup(respond: Parameters<typeof startReceiver>[0], options: { retryScheduleMs?: number[]; timeoutMs?: number; disableAfterMs?: number; types?: string[] } = {}) {
      const org = (await services.orgs.create(ADMIN, { name: `Org ${Math.random()}` })).id;
      const receiver = await startReceiver(respond);
      receivers.push(receiver);
      const webhooks = createWebhookService({ store, safety: { allowPrivate: true } });
      const endpoint = await webhooks.create({ orgId: org, actor: ADMIN }, { url: receiver.url, ...(options.types ? { types: options.types } : {}) });
      const mail = createMailService({ store, from: 'scimd@vendor.test' });
      await createKeyReminderService({ store, mail }).setNotificationAddresses({ orgId: org, actor: ADMIN }, ['ops@acme.test']);
      const deliverer = createWebhookDeliverer({
        store,
        mail,
        send: { allowPrivate: true, timeoutMs: options.timeoutMs ?? 2000, maxResponseBytes: 1024 },
        retryScheduleMs: options.retryScheduleMs ?? [30, 30, 30],
        random: () => 0.5,
        ...(options.disableAfterMs === undefined ? {} : { disableAfterMs: options.disableAfterMs }),
      });
      const worker = createWebhookWorker({ store, deliverer, intervalMs: 10, batchSize: 8, leaseMs: 30_000, workerId: `w-${org}` });
      const scim = { orgId: org, actor: scimActor('key-1', 'Entra') };
      return { org, scim, receiver, endpoint, webhooks, worker, mail };
    }

    /** Runs worker rounds until `done` holds. */
    async function drain(worker: ReturnType<typeof createWebhookWorker>, done: () => boolean, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error('deliveries did not finish in time');
        await worker.runOnce();
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    it('signs every event so the standardwebhooks library verifies it, with CloudEvents bodies', async () => {
      const s = await setup(() => ({ status: 200 }));
      const user = await services.users.create(s.scim, userBody(1));
      await services.users.patch(s.scim, user.resource.id as string, [{ op: 'replace', path: 'active', value: false }]);
      await drain(s.worker, () => s.receiver.received.length >= 2);
      const verifier = new Webhook(s.endpoint.secret);
      for (const r of s.receiver.received) {
        const verified = verifier.verify(r.body, r.headers as Record<string, string>) as { id: string };
        assert.equal(verified.id, r.headers['webhook-id']);
      }
      const [created, deactivated] = s.receiver.received.map((r) => r.event);
      assert.equal(created?.type, 'scimd.user.created');
      assert.equal(deactivated?.type, 'scimd.user.deactivated');
      assert.equal(created?.subject, user.resource.id);
      assert.equal((created as unknown as { source: string }).source, `/organizations/${s.org}`);
      assert.deepEqual(deactivated?.data['changed'], ['active']);
      assert.equal((deactivated?.data['resource'] as { active: boolean }).active, false);
      assert.ok(Number(created?.sequence) < Number(deactivated?.sequence));
      assert.throws(() => new Webhook('whsec_' + Buffer.alloc(32, 1).toString('base64')).verify(s.receiver.received[0]!.body, s.receiver.received[0]!.headers as Record<string, string>));
    });

    it('signs with the old and the new secret during a rotation, so either verifies', async () => {
      const s = await setup(() => ({ status: 204 }));
      const rotated = await s.webhooks.rotate({ orgId: s.org, actor: ADMIN }, s.endpoint.id);
      await services.users.create(s.scim, userBody(2));
      await drain(s.worker, () => s.receiver.received.length >= 1);
      const r = s.receiver.received[0]!;
      assert.equal(String(r.headers['webhook-signature']).split(' ').length, 2);
      new Webhook(s.endpoint.secret).verify(r.body, r.headers as Record<string, string>);
      new Webhook(rotated.secret).verify(r.body, r.headers as Record<string, string>);
    });

    it('retries after a 500 and after a timeout, then delivers, logging every attempt', async () => {
      const s = await setup((_req, i) => (i === 0 ? { status: 500, body: 'boom' } : i === 1 ? { status: 200, delayMs: 600 } : { status: 200 }), { timeoutMs: 300 });
      await services.users.create(s.scim, userBody(3));
      await drain(s.worker, () => s.receiver.accepted().length >= 1 && s.receiver.received.length >= 3);
      await new Promise((r) => setTimeout(r, 50));
      const attempts = await s.webhooks.attempts(s.org, s.endpoint.id, { limit: 10 });
      const oldestFirst = [...attempts.data].reverse();
      assert.deepEqual(oldestFirst.map((a) => a.statusCode), [500, null, 200]);
      assert.equal(oldestFirst[0]?.responseExcerpt, 'boom');
      assert.match(oldestFirst[1]?.error ?? '', /no response within 300 ms/);
      const ids = new Set(s.receiver.received.map((r) => r.headers['webhook-id']));
      assert.equal(ids.size, 1, 'every retry carries the same webhook-id');
      const deliveries = await s.webhooks.deliveries(s.org, s.endpoint.id, { limit: 10 });
      assert.equal(deliveries.data[0]?.status, 'delivered');
      assert.equal(deliveries.data[0]?.attempts, 3);
    });

    it('keeps the events of one resource in order while other resources go ahead', async () => {
      let failuresLeft = 3;
      const hold = { subject: '' };
      const s = await setup((req) => {
        if (req.event.subject === hold.subject && failuresLeft > 0) {
          failuresLeft -= 1;
          return { status: 503 };
        }
        return { status: 200 };
      }, { retryScheduleMs: [40, 40, 40, 40] });
      const slow = await services.users.create(s.scim, userBody(10));
      const blocked = slow.resource.id as string;
      hold.subject = blocked;
      const others = [];
      for (let n = 11; n < 14; n += 1) others.push(await services.users.create(s.scim, userBody(n)));
      await services.users.patch(s.scim, blocked, [{ op: 'replace', path: 'displayName', value: 'Later' }]);
      await services.users.remove(s.scim, blocked);
      await drain(s.worker, () => s.receiver.accepted().length >= 6);
      const accepted = s.receiver.accepted().map((r) => r.event);
      const mine = accepted.filter((e) => e.subject === blocked).map((e) => e.type);
      assert.deepEqual(mine, ['scimd.user.created', 'scimd.user.updated', 'scimd.user.deleted']);
      // The other users were delivered before the blocked user's first event finally got through.
      const firstOfBlocked = accepted.findIndex((e) => e.subject === blocked);
      assert.ok(firstOfBlocked >= 3, `others first, got blocked user at ${firstOfBlocked}`);
      // The later events of the blocked user were never sent before its first was accepted.
      const createdAccepted = s.receiver.received.findIndex((r, i) => r.event.subject === blocked && i >= 3 && r.event.type === 'scimd.user.created' && s.receiver.accepted().includes(r));
      const laterSent = s.receiver.received.findIndex((r) => r.event.subject === blocked && r.event.type !== 'scimd.user.created');
      assert.ok(createdAccepted >= 0 && laterSent > createdAccepted, 'updated and deleted waited for created');
      assert.equal(others.length, 3);
    });

    it('dead-letters after the schedule, replays dead deliveries, one event, and a time range', async () => {
      let failing = true;
      const s = await setup(() => (failing ? { status: 500 } : { status: 200 }), { retryScheduleMs: [20, 20] });
      const started = new Date().toISOString();
      const user = await services.users.create(s.scim, userBody(20));
      await drain(s.worker, () => s.receiver.received.length >= 3);
      await new Promise((r) => setTimeout(r, 50));
      await s.worker.runOnce();
      assert.equal(s.receiver.received.length, 3, 'one try and two retries, then nothing');
      const dead = await s.webhooks.deliveries(s.org, s.endpoint.id, { limit: 10, status: 'dead' });
      assert.equal(dead.data.length, 1);
      failing = false;
      assert.deepEqual(await s.webhooks.replay({ orgId: s.org, actor: ADMIN }, s.endpoint.id, { dead: true }), { queued: 1 });
      await drain(s.worker, () => s.receiver.accepted().length >= 1);
      const eventId = dead.data[0]!.eventId;
      assert.deepEqual(await s.webhooks.replay({ orgId: s.org, actor: ADMIN }, s.endpoint.id, { eventId }), { queued: 1 });
      await drain(s.worker, () => s.receiver.accepted().length >= 2);
      assert.deepEqual(await s.webhooks.replay({ orgId: s.org, actor: ADMIN }, s.endpoint.id, { from: started }), { queued: 1 });
      await drain(s.worker, () => s.receiver.accepted().length >= 3);
      assert.ok(s.receiver.accepted().every((r) => r.event.subject === user.resource.id && r.headers['webhook-id'] === eventId));
    });

    it('disables an endpoint whose attempts keep failing and mails the organization once', async () => {
      const s = await setup(() => ({ status: 500 }), { retryScheduleMs: [20, 20, 20, 20, 20], disableAfterMs: 30 });
      await services.users.create(s.scim, userBody(30));
      await services.users.create(s.scim, userBody(31));
      const deadline = Date.now() + 10_000;
      for (;;) {
        const endpoint = await s.webhooks.get(s.org, s.endpoint.id);
        if (endpoint.status === 'disabled') {
          assert.match(endpoint.disabledReason ?? '', /every attempt has failed since/);
          break;
        }
        if (Date.now() > deadline) assert.fail('endpoint was not disabled');
        await s.worker.runOnce();
        await new Promise((r) => setTimeout(r, 10));
      }
      const count = s.receiver.received.length;
      await new Promise((r) => setTimeout(r, 60));
      await s.worker.runOnce();
      assert.equal(s.receiver.received.length, count, 'a disabled endpoint gets nothing');
      const mails = (await store.mailLog.list(s.org, { limit: 10 })).filter((m) => m.kind === 'webhook-disabled');
      assert.equal(mails.length, 1);
    });

    it('sends only the subscribed types and one members event per PATCH listing the member ids', async () => {
      const s = await setup(() => ({ status: 200 }), { types: ['scimd.group.members.added'] });
      const groups = createGroupService({ store, schemasFor: () => groupSchemas(), maxMembersReturned: 100 });
      const a = await services.users.create(s.scim, userBody(40));
      const b = await services.users.create(s.scim, userBody(41));
      const group = await groups.create(s.scim, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Eng' });
      await groups.patch(s.scim, group.resource.id as string, [{ op: 'add', path: 'members', value: [{ value: a.resource.id }, { value: b.resource.id }] }]);
      await drain(s.worker, () => s.receiver.received.length >= 1);
      await new Promise((r) => setTimeout(r, 50));
      await s.worker.runOnce();
      assert.equal(s.receiver.received.length, 1);
      const event = s.receiver.received[0]!.event;
      assert.equal(event.type, 'scimd.group.members.added');
      assert.deepEqual([...(event.data['members'] as string[])].sort(), [a.resource.id, b.resource.id].sort());
    });
  });
}
