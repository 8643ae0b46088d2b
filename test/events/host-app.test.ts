/**
 * scimd delivering to the example host application (examples/host-app): a provisioning story
 * through the SCIM services ends with the host app's users table equal to scimd's users.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHostApp } from '../../examples/host-app/app.mjs';
import { scimActor } from '../../src/services/context.ts';
import { createWebhookDeliverer } from '../../src/services/webhook-delivery.ts';
import { createWebhookService } from '../../src/services/webhooks.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createWebhookWorker } from '../../src/workers/webhook-worker.ts';
import { ADMIN, adminServices } from '../services/kit.ts';
import { testDialects } from '../store/harness.ts';

const dialect = (await testDialects())[0]!;

describe('scimd → the example host app', () => {
  let store: SqlStore;
  before(async () => {
    store = await dialect.open();
  });
  after(() => dialect.close(store));

  it('ends with the host app holding exactly the users scimd holds, active flags included', async () => {
    const { orgs, users } = adminServices(store, () => new Date());
    const orgId = (await orgs.create(ADMIN, { name: 'Acme' })).id;
    const webhooks = createWebhookService({ store, safety: { allowPrivate: true } });
    // The endpoint exists before the app knows its secret: register, then start the app with it.
    const created = await webhooks.create({ orgId, actor: ADMIN }, { url: 'http://127.0.0.1:1/webhooks/scimd' });
    const host = createHostApp({ secret: created.secret });
    await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (host.server.address() as AddressInfo).port;
      await webhooks.update({ orgId, actor: ADMIN }, created.id, { url: `http://127.0.0.1:${port}/webhooks/scimd` });
      const ctx = { orgId, actor: scimActor('k', 'Okta') };
      const ids: string[] = [];
      for (let n = 0; n < 6; n += 1) {
        ids.push((await users.create(ctx, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `h${n}@acme.test`, active: true })).resource.id as string);
      }
      await users.patch(ctx, ids[1]!, [{ op: 'replace', path: 'active', value: false }]);
      await users.patch(ctx, ids[2]!, [{ op: 'replace', path: 'displayName', value: 'Two' }]);
      await users.remove(ctx, ids[3]!);
      const worker = createWebhookWorker({
        store,
        deliverer: createWebhookDeliverer({ store, send: { allowPrivate: true, timeoutMs: 2000, maxResponseBytes: 1024 } }),
      });
      for (let round = 0; round < 50; round += 1) {
        const r = await worker.runOnce();
        if (r.attempted === 0 && r.fannedOut === 0) break;
      }
      const expected = new Map<string, boolean>();
      for (const id of ids) {
        const found = await store.users.get(orgId, id);
        if (found) expected.set(id, found.active);
      }
      assert.deepEqual(new Map([...host.tables.users].map(([id, u]) => [id, u.active])), expected);
      assert.equal(host.tables.users.get(ids[2]!)?.displayName, 'Two');
    } finally {
      await new Promise((resolve) => host.server.close(resolve));
    }
  });
});
