/**
 * Crash safety of webhook delivery with real processes: `scimd serve` (SQLite file, and PostgreSQL
 * when reachable) delivers to a receiver on 127.0.0.1 that holds the first requests without
 * answering; the server is killed with SIGKILL while deliveries are in flight, then started again.
 * Every event of every acknowledged SCIM write must arrive afterwards (the leases expire and the
 * deliveries return). The endpoint is registered with `scimd webhook create --json`, and the
 * signatures are checked with the standardwebhooks library.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../events/receiver.ts';
import { createTestDatabase } from './postgres.ts';
import { runScimd, scimClient, serveScimd, tempDir } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const WRITES = 12;

const pgSetup = await createTestDatabase();
const targets: { name: string; env: () => Record<string, string>; cleanup: () => Promise<void> }[] = [];
const dir = tempDir();
targets.push({ name: 'sqlite', env: () => ({ DATA_DIR: dir.path }), cleanup: async () => dir.remove() });
if (!('skip' in pgSetup)) targets.push({ name: 'postgres', env: () => ({ DATABASE_URL: pgSetup.url }), cleanup: () => pgSetup.drop() });

after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) {
  describe(`webhooks survive kill -9 on ${target.name}`, () => {
    let receiver: Receiver | undefined;
    after(async () => receiver?.close());

    it('delivers every event of every acknowledged write after the server is killed mid-delivery', { timeout: 120_000 }, async () => {
      const env = {
        ...target.env(),
        SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true',
        SCIMD_WEBHOOK_LEASE_MS: '1500',
        SCIMD_EVENT_POLL_MS: '20',
        SCIMD_WEBHOOK_TIMEOUT_MS: '30000',
        SCIMD_WEBHOOK_RETRY_SCHEDULE_MS: '100,100,100,100,100,100,100,100',
      };
      // Before the kill, requests hang; afterwards every request is accepted.
      let killed = false;
      receiver = await startReceiver(() => (killed ? { status: 200 } : { status: 200, delayMs: 60_000 }));
      const first = await serveScimd(env);
      const orgs = await runScimd(['org', 'list', '--json'], env);
      const orgId = (JSON.parse(orgs.stdout) as { id: string }[])[0]?.id ?? '';
      const created = await runScimd(['webhook', 'create', '--org', orgId, '--url', receiver.url, '--json'], env);
      assert.equal(created.code, 0, created.stderr);
      const endpoint = JSON.parse(created.stdout) as { id: string; secret: string };
      assert.deepEqual(Object.keys(endpoint).sort(), ['id', 'secret']);
      const scim = scimClient(first.tenantUrl, first.token ?? '');
      const acknowledged: string[] = [];
      for (let n = 0; n < WRITES; n += 1) {
        const response = await scim('POST', '/Users', { schemas: [USER], userName: `crash${n}@acme.test`, active: true });
        assert.equal(response.status, 201);
        acknowledged.push(String(response.body?.['id']));
      }
      await receiver.until((r) => r.length >= 1);
      await first.stop('SIGKILL');
      killed = true;
      const second = await serveScimd(env);
      try {
        await receiver.until((r) => {
          const accepted = new Set(receiver!.accepted().filter((x) => x.event.type === 'scimd.user.created').map((x) => x.event.subject));
          return acknowledged.every((id) => accepted.has(id)) && r.length > 0;
        }, 60_000);
      } finally {
        await second.stop();
      }
      const verifier = new Webhook(endpoint.secret);
      for (const r of receiver.accepted()) verifier.verify(r.body, r.headers as Record<string, string>);
    });
  });
}
