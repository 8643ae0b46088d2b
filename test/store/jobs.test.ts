import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`jobs on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const at = (ms: number) => new Date(ms).toISOString();
    before(async () => {
      store = await dialect.open({ clock: () => new Date(now) });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
    });
    after(() => dialect.close(store));

    it('enqueues a job once per dedupe key', async () => {
      const first = await store.jobs.enqueue(org, { kind: 'reminder', dedupeKey: 'key-1:month', payload: { keyId: 'key-1' } });
      assert.equal(first?.status, 'pending');
      assert.equal(await store.jobs.enqueue(org, { kind: 'reminder', dedupeKey: 'key-1:month' }), undefined);
    });

    it('leases due jobs only, completes them, and never leases a completed job again', async () => {
      await store.jobs.enqueue(org, { kind: 'later', runAt: at(now + 60_000) });
      const leased = await store.jobs.lease('w1', { limit: 10, leaseMs: 30_000 });
      assert.deepEqual(leased.map((j) => j.kind), ['reminder']);
      assert.equal(leased[0]?.attempts, 1);
      assert.deepEqual(await store.jobs.lease('w2', { limit: 10, leaseMs: 30_000 }), [], 'a leased job is not handed out twice');
      assert.equal(await store.jobs.complete(leased[0]?.id ?? '', 'w2'), false, 'only the lease holder completes');
      assert.equal(await store.jobs.complete(leased[0]?.id ?? '', 'w1'), true);
      now += 120_000;
      assert.deepEqual((await store.jobs.lease('w1', { limit: 10, leaseMs: 30_000 })).map((j) => j.kind), ['later']);
    });

    it('hands an expired lease to another worker and retries failures until attempts run out', async () => {
      const job = await store.jobs.enqueue(org, { kind: 'flaky', maxAttempts: 2 });
      assert.equal((await store.jobs.lease('w1', { kinds: ['flaky'], limit: 1, leaseMs: 1000 }))[0]?.id, job?.id);
      now += 2000;
      const retaken = await store.jobs.lease('w2', { kinds: ['flaky'], limit: 1, leaseMs: 1000 });
      assert.equal(retaken[0]?.leasedBy, 'w2');
      assert.equal(await store.jobs.fail(job?.id ?? '', 'w1', 'stale worker', at(now)), false);
      assert.equal(await store.jobs.fail(job?.id ?? '', 'w2', 'smtp down', at(now + 5000)), true);
      const failed = await store.jobs.get(job?.id ?? '');
      assert.equal(failed?.status, 'failed', 'two attempts used of two');
      assert.equal(failed?.lastError, 'smtp down');
    });

    it('never leases the same job to two concurrent workers', async () => {
      for (let i = 0; i < 40; i += 1) await store.jobs.enqueue(org, { kind: 'race' });
      const workers = ['a', 'b', 'c', 'd'];
      const results = await Promise.all(
        workers.map(async (w) => {
          const got: string[] = [];
          for (let round = 0; round < 10; round += 1) {
            got.push(...(await store.jobs.lease(w, { kinds: ['race'], limit: 3, leaseMs: 60_000 })).map((j) => j.id));
          }
          return got;
        }),
      );
      const all = results.flat();
      assert.equal(all.length, 40, 'every job leased');
      assert.equal(new Set(all).size, 40, 'no job leased twice');
    });
  });
}
