/**
 * Range leases at the store, on every dialect (PostgreSQL with a second connection pool as a
 * second instance): concurrent claims never hand one endpoint's range to two workers, a range
 * whose worker vanished is claimed again once its lease expires and the late worker's record is
 * refused, a recorded range moves the cursor so nothing is claimed twice, and a range that takes
 * longer than its lease keeps it (heartbeat) instead of being sent twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWebhookDeliverer } from '../../src/services/webhook-delivery.ts';
import { createWebhookService } from '../../src/services/webhooks.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { ADMIN, adminServices } from '../services/kit.ts';
import { createWebhookWorker } from '../../src/workers/webhook-worker.ts';
import { testDialects } from '../store/harness.ts';
import { startReceiver } from './receiver.ts';

const dialects = await testDialects();

for (const dialect of dialects) {
  describe(`webhook range leases on ${dialect.name}`, () => {
    let store: SqlStore;
    let second: SqlStore;
    before(async () => {
      store = await dialect.open();
      second = dialect.peer ? dialect.peer(store) : store;
    });
    after(async () => {
      if (second !== store) await second.close();
      await dialect.close(store);
    });

    async function orgWithEndpoints(endpoints: number, events: number) {
      const orgId = (await adminServices(store, () => new Date()).orgs.create(ADMIN, { name: `Org ${Math.random()}` })).id;
      const ids: string[] = [];
      for (let i = 0; i < endpoints; i += 1) ids.push((await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url: `http://127.0.0.1:9/${i}` })).id);
      for (let i = 0; i < events; i += 1) await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: `u${i % 3}`, data: { i } });
      return { orgId, ids };
    }

    it('never gives one endpoint range to two workers claiming at once', async () => {
      const { ids } = await orgWithEndpoints(6, 4);
      const [a, b] = await Promise.all([store.webhooks.claimRanges('A', { limit: 100, leaseMs: 60_000 }), second.webhooks.claimRanges('B', { limit: 100, leaseMs: 60_000 })]);
      const claimed = [...a, ...b].map((r) => r.endpoint.id).filter((id) => ids.includes(id));
      assert.equal(claimed.length, ids.length, 'every endpoint claimed once');
      assert.equal(new Set(claimed).size, ids.length, 'by one worker');
      // While held, nobody else gets them.
      const again = await second.webhooks.claimRanges('C', { limit: 100, leaseMs: 60_000 });
      assert.deepEqual(again.filter((r) => ids.includes(r.endpoint.id)), []);
    });

    it('claims a range again once the lease of a vanished worker expired, and refuses that worker’s late record', async () => {
      const { ids } = await orgWithEndpoints(1, 3);
      const [gone] = (await store.webhooks.claimRanges('gone', { limit: 100, leaseMs: 1 })).filter((r) => ids.includes(r.endpoint.id));
      assert.ok(gone);
      assert.equal(gone.events.length, 3);
      await new Promise((r) => setTimeout(r, 10));
      const [taken] = (await second.webhooks.claimRanges('next', { limit: 100, leaseMs: 60_000 })).filter((r) => ids.includes(r.endpoint.id));
      assert.ok(taken, 'the expired range is claimed again');
      assert.deepEqual(taken.events.map((e) => e.id), gone.events.map((e) => e.id), 'with the same events: nothing was lost');
      const late = await store.webhooks.commitRange('gone', gone, gone.events.map((event) => ({ event })));
      assert.equal(late.committed, false, 'the vanished worker writes nothing');
      const outcome = { attemptedAt: new Date().toISOString(), statusCode: 204, latencyMs: 3, error: null, responseExcerpt: '', next: { kind: 'delivered' as const } };
      const done = await second.webhooks.commitRange('next', taken, taken.events.map((event) => ({ event, outcome })));
      assert.equal(done.committed, true);
      const deliveries = await store.webhooks.listDeliveries(taken.endpoint.orgId, taken.endpoint.id, { limit: 10 });
      assert.deepEqual(deliveries.map((d) => [d.status, d.attempts, d.lastStatus, d.lastLatencyMs]), [['delivered', 1, 204, 3], ['delivered', 1, 204, 3], ['delivered', 1, 204, 3]]);
      assert.equal((await store.webhooks.listAttempts(taken.endpoint.orgId, { endpointId: taken.endpoint.id, limit: 10 })).length, 3);
      // The cursor moved past the range: nothing more to claim for it.
      assert.deepEqual((await store.webhooks.claimRanges('later', { limit: 100, leaseMs: 60_000 })).filter((r) => ids.includes(r.endpoint.id)), []);
    });

    it('keeps the lease of a range that takes longer than the lease, so two workers never both send it', async () => {
      const orgId = (await adminServices(store, () => new Date()).orgs.create(ADMIN, { name: `Slow ${Math.random()}` })).id;
      const receiver = await startReceiver(() => ({ status: 204, delayMs: 250 }));
      try {
        await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url: receiver.url });
        // Three events of one user (sent one after another: 750 ms) and two of others.
        for (const id of ['u1', 'u1', 'u1', 'u2', 'u3']) await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: id, data: {} });
        const workers = [store, second].map((s, i) =>
          createWebhookWorker({
            store: s,
            deliverer: createWebhookDeliverer({ store: s, send: { allowPrivate: true, timeoutMs: 5000, maxResponseBytes: 1024 } }),
            intervalMs: 20,
            leaseMs: 200,
            workerId: `slow-${i}`,
          }),
        );
        for (const w of workers) w.start();
        await receiver.until((r) => r.length >= 5, 20_000);
        await new Promise((r) => setTimeout(r, 600));
        for (const w of workers) await w.stop();
        const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
        assert.equal(ids.length, 5, 'each event sent once, although the range outlived three leases');
        assert.equal(new Set(ids).size, 5);
        const [endpoint] = await store.webhooks.listEndpoints(orgId);
        const deliveries = await store.webhooks.listDeliveries(orgId, endpoint?.id ?? '', { limit: 10 });
        assert.deepEqual(deliveries.map((d) => d.status), ['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
      } finally {
        await receiver.close();
      }
    });
  });
}
