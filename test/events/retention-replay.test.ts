/**
 * The webhook log's retention (attempts and finished deliveries pruned by the periodic worker,
 * pending ones kept) and replays of a time range walked page by page, on every dialect.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scimActor } from '../../src/services/context.ts';
import { createEventService } from '../../src/services/events.ts';
import { createWebhookDeliverer } from '../../src/services/webhook-delivery.ts';
import { createWebhookService } from '../../src/services/webhooks.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createEventRetentionWorker } from '../../src/workers/event-retention-worker.ts';
import { createWebhookWorker } from '../../src/workers/webhook-worker.ts';
import { ADMIN, adminServices } from '../services/kit.ts';
import { testDialects } from '../store/harness.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const dialects = await testDialects();
const DAY = 86_400_000;
const userBody = (n: number) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `keep${n}@contoso.com`, active: true });

for (const dialect of dialects) {
  describe(`webhook log retention and range replay on ${dialect.name}`, () => {
    let store: SqlStore;
    let services: ReturnType<typeof adminServices>;
    const receivers: Receiver[] = [];

    before(async () => {
      store = await dialect.open();
      services = adminServices(store, () => new Date());
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await dialect.close(store);
    });

    async function setup(status: (n: number) => number) {
      const org = (await services.orgs.create(ADMIN, { name: `Org ${Math.random()}` })).id;
      const receiver = await startReceiver((_, i) => ({ status: status(i) }));
      receivers.push(receiver);
      const endpoint = await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId: org, actor: ADMIN }, { url: receiver.url });
      const deliverer = createWebhookDeliverer({ store, send: { allowPrivate: true, timeoutMs: 2000, maxResponseBytes: 1024 }, retryScheduleMs: [DAY], random: () => 0.5 });
      const worker = createWebhookWorker({ store, deliverer, intervalMs: 10, batchSize: 8, workerId: `w-${org}` });
      return { org, receiver, endpoint, worker, scim: { orgId: org, actor: scimActor('key-1', 'Entra') } };
    }

    const count = async (table: 'webhook_deliveries' | 'webhook_attempts', orgId: string, status?: string) => {
      let query = store.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', orgId);
      if (status !== undefined && table === 'webhook_deliveries') query = query.where('status', '=', status);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };

    it('prunes attempts and finished deliveries past the log retention, keeping deliveries still to be sent', async () => {
      // The second request fails: its delivery waits a day for the retry.
      const s = await setup((i) => (i === 1 ? 500 : 204));
      for (let n = 0; n < 3; n += 1) await services.users.create(s.scim, userBody(n));
      while (s.receiver.received.length < 3) await s.worker.runOnce();
      assert.deepEqual([await count('webhook_deliveries', s.org, 'delivered'), await count('webhook_deliveries', s.org, 'pending'), await count('webhook_attempts', s.org)], [2, 1, 3]);

      const runWorker = async (clock: () => Date) => {
        const applied: { events: number; deliveries: number; attempts: number }[] = [];
        const worker = createEventRetentionWorker({
          events: createEventService({ store, clock }),
          webhooks: createWebhookService({ store, safety: { allowPrivate: true }, clock }),
          retention: { eventDays: 30, webhookLogDays: 7 },
          onApplied: (deleted) => applied.push(deleted),
          onError: (error) => assert.fail(String(error)),
        });
        worker.start();
        await worker.stop();
        return applied;
      };
      // Within the retention nothing goes.
      assert.deepEqual(await runWorker(() => new Date(Date.now() + 6 * DAY)), []);
      assert.equal(await count('webhook_attempts', s.org), 3);
      // Past it, the log goes; the delivery still to be retried stays (its event is kept 30 days).
      const [applied] = await runWorker(() => new Date(Date.now() + 8 * DAY));
      assert.ok(applied && applied.deliveries >= 2 && applied.attempts >= 3, JSON.stringify(applied));
      assert.deepEqual([await count('webhook_deliveries', s.org, 'delivered'), await count('webhook_deliveries', s.org, 'pending'), await count('webhook_attempts', s.org)], [0, 1, 0]);
      // Once the event itself is past the event retention, the waiting delivery can never be sent: it goes too.
      await runWorker(() => new Date(Date.now() + 31 * DAY));
      assert.equal(await count('webhook_deliveries', s.org), 0);
    });

    it('replays a time range page by page, queuing every event of the range once', async () => {
      const s = await setup(() => 204);
      const from = new Date(Date.now() - 1000).toISOString();
      for (let n = 10; n < 17; n += 1) await services.users.create(s.scim, userBody(n));
      while (s.receiver.received.length < 7) await s.worker.runOnce();
      const to = new Date(Date.now() + 1000).toISOString();
      // Pages of 3 over 7 events: three pages, each queued in its own transaction.
      const queued = await store.webhooks.replay(s.org, s.endpoint.id, { kind: 'range', from, to }, { pageSize: 3 });
      assert.equal(queued, 7);
      assert.equal(await count('webhook_deliveries', s.org, 'pending'), 7);
      // A page size that divides the range exactly ends on an empty page.
      await s.worker.runOnce();
      while (s.receiver.received.length < 14) await s.worker.runOnce();
      assert.equal(await store.webhooks.replay(s.org, s.endpoint.id, { kind: 'range', from, to }, { pageSize: 7 }), 7);
      assert.equal(await store.webhooks.replay(s.org, s.endpoint.id, { kind: 'range', from: to }, { pageSize: 7 }), 0);
      const ids = s.receiver.received.slice(7).map((r) => r.headers['webhook-id']);
      assert.deepEqual([...new Set(ids)].sort(), s.receiver.received.slice(0, 7).map((r) => r.headers['webhook-id']).sort(), 'the replay sent each event of the range again');
    });
  });
}
