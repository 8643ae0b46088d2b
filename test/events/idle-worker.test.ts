/**
 * A delivery worker with no enabled endpoint anywhere ignores the nudges every write sends (a
 * round could send nothing) and looks again at its idle poll; once an endpoint is enabled, the
 * next poll delivers what was written meanwhile and nudges start rounds again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMailService } from '../../src/services/mail.ts';
import { createWebhookDeliverer } from '../../src/services/webhook-delivery.ts';
import { createWebhookService } from '../../src/services/webhooks.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createWebhookWorker } from '../../src/workers/webhook-worker.ts';
import { ADMIN, adminServices } from '../services/kit.ts';
import { testDialects } from '../store/harness.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const POLL_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of await testDialects()) {
  describe(`an idle delivery worker on ${dialect.name}`, () => {
    let store: SqlStore;
    let receiver: Receiver;
    before(async () => {
      store = await dialect.open();
      receiver = await startReceiver(() => ({ status: 204 }));
    });
    after(async () => {
      await receiver.close();
      await dialect.close(store);
    });

    it('drops nudges while no endpoint is enabled, and delivers from the next poll once one is', async () => {
      let rounds = 0;
      const counted: Store = { ...store, webhooks: { ...store.webhooks, claimRanges: (...args) => ((rounds += 1), store.webhooks.claimRanges(...args)) } };
      const deliverer = createWebhookDeliverer({ store, mail: createMailService({ store, from: 'scimd@vendor.test' }), send: { allowPrivate: true, timeoutMs: 2000, maxResponseBytes: 1024 } });
      const worker = createWebhookWorker({ store: counted, deliverer, intervalMs: POLL_MS, settleMs: 1, workerId: 'idle' });
      const orgId = (await adminServices(store, () => new Date()).orgs.create(ADMIN, { name: 'Idle' })).id;
      worker.start();
      try {
        await sleep(50);
        assert.equal(rounds, 1, 'the first round ran at start');
        for (let i = 0; i < 5; i += 1) {
          await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'u1', data: { i } });
          worker.nudge();
          await sleep(5);
        }
        assert.equal(rounds, 1, 'no endpoint: the nudges started no round');

        await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url: receiver.url });
        await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'u1', data: { i: 'after' } });
        worker.nudge();
        await sleep(20);
        assert.equal(receiver.received.length, 0, 'the nudge right after the endpoint was made is still dropped');
        const deadline = Date.now() + 5 * POLL_MS;
        while (receiver.received.length === 0 && Date.now() < deadline) await sleep(10);
        assert.equal(receiver.received.length, 1, 'the next poll delivered the event written after the endpoint was made');
        assert.deepEqual(receiver.received[0]?.event.data, { i: 'after' });

        const before = rounds;
        await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'u2', data: { i: 'nudged' } });
        worker.nudge();
        const soon = Date.now() + POLL_MS / 2;
        while (receiver.received.length < 2 && Date.now() < soon) await sleep(5);
        assert.ok(rounds > before, 'with an endpoint, a nudge starts a round');
        assert.equal(receiver.received.length, 2, 'and its event goes out before the next poll');
      } finally {
        await worker.stop();
        deliverer.close();
      }
    });
  });
}
