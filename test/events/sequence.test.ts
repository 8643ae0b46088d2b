/**
 * The feed never skips an event that commits later: concurrent writers on one organization append
 * events and then hold their transactions open for random times (so on PostgreSQL they commit out
 * of order), while a reader pages the feed and checks that every page continues exactly where the
 * last one ended. On PostgreSQL, where numbers are given at commit, two transactions that append in
 * one order and commit in the other are numbered in commit order, neither waits for the other, and
 * two instances (two connection pools, two workers) deliver to one receiver and never both send the
 * same delivery.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createEventService } from '../../src/services/events.ts';
import { createWebhookDeliverer } from '../../src/services/webhook-delivery.ts';
import { createWebhookService } from '../../src/services/webhooks.ts';
import type { StoreOptions } from '../../src/store/sql/options.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createWebhookWorker } from '../../src/workers/webhook-worker.ts';
import { ADMIN, adminServices } from '../services/kit.ts';
import { testDialects } from '../store/harness.ts';
import { startReceiver } from './receiver.ts';

const dialects = await testDialects();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const dialect of dialects) {
  describe(`event sequence on ${dialect.name}`, () => {
    let store: SqlStore;
    let reader: SqlStore;
    before(async () => {
      store = await dialect.open();
      reader = dialect.peer ? dialect.peer(store) : store;
    });
    after(async () => {
      if (reader !== store) await reader.close();
      await dialect.close(store);
    });

    it('hands out numbers in commit order, so a reader paging concurrently never skips one', async () => {
      const { orgs } = adminServices(store, () => new Date());
      const orgId = (await orgs.create(ADMIN, { name: 'Seq' })).id;
      const writers = dialect.name === 'postgres' ? 8 : 3;
      const perWriter = dialect.name === 'postgres' ? 15 : 10;
      const total = writers * perWriter;
      const feed = createEventService({ store: reader, pollMs: 5 });
      let done = false;
      const seen: number[] = [];
      const reading = (async () => {
        let cursor: string | undefined;
        while (!done || seen.length < total) {
          const page = await feed.feed(orgId, { limit: 7, ...(cursor === undefined ? {} : { after: cursor }) });
          for (const event of page.data) {
            const n = Number(event.sequence);
            assert.equal(n, (seen.at(-1) ?? 0) + 1, `the feed jumped from ${seen.at(-1) ?? 0} to ${n}`);
            seen.push(n);
          }
          cursor = page.next;
          if (page.data.length === 0) await sleep(2);
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i += 1) {
            await store.transaction(async (tx) => {
              await tx.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: `u-${w}`, data: { i } });
              // Hold the transaction open after taking the number: commits interleave at random.
              await sleep(Math.floor(Math.random() * 8));
            });
          }
        }),
      );
      done = true;
      await reading;
      assert.equal(seen.length, total);
      assert.deepEqual(seen, Array.from({ length: total }, (_, i) => i + 1));
    });

    it('keeps a rolled-back write from leaving a gap', async () => {
      const { orgs } = adminServices(store, () => new Date());
      const orgId = (await orgs.create(ADMIN, { name: 'Rollback' })).id;
      await store.outboxEvents.append(orgId, { type: 'scimd.user.created', resourceType: 'User', resourceId: 'a', data: {} });
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.outboxEvents.append(orgId, { type: 'scimd.user.created', resourceType: 'User', resourceId: 'b', data: {} });
          throw new Error('abort');
        }),
      );
      await store.outboxEvents.append(orgId, { type: 'scimd.user.created', resourceType: 'User', resourceId: 'c', data: {} });
      const page = await createEventService({ store }).feed(orgId, { limit: 10 });
      assert.deepEqual(page.data.map((e) => [Number(e.sequence), e.subject]), [[1, 'a'], [2, 'c']]);
    });

    it('numbers the events of one transaction in the order they were appended', async () => {
      const { orgs } = adminServices(store, () => new Date());
      const orgId = (await orgs.create(ADMIN, { name: 'One transaction' })).id;
      await store.transaction(async (tx) => {
        for (const subject of ['first', 'second', 'third']) {
          await tx.outboxEvents.append(orgId, { type: 'scimd.user.created', resourceType: 'User', resourceId: subject, data: {} });
        }
      });
      const page = await createEventService({ store: reader }).feed(orgId, { limit: 10 });
      assert.deepEqual(page.data.map((e) => [Number(e.sequence), e.subject]), [[1, 'first'], [2, 'second'], [3, 'third']]);
      assert.deepEqual(await store.outboxEvents.position(orgId), { last: 3, prunedThrough: 0 });
    });

    if (dialect.name === 'postgres') {
      it('numbers two transactions that commit out of order in commit order, and the reader never skips the later commit', async () => {
        assert.equal(store.capabilities.eventNumbersAfterCommit, true);
        const { orgs } = adminServices(store, () => new Date());
        const orgId = (await orgs.create(ADMIN, { name: 'Out of order' })).id;
        const feed = createEventService({ store: reader });
        const gate = (): { wait: Promise<void>; open: () => void } => {
          let open = () => undefined as void;
          const wait = new Promise<void>((resolve) => (open = resolve));
          return { wait, open };
        };
        const firstAppended = gate();
        const secondCommitted = gate();
        // The first transaction appends before the second, and commits only after the second has.
        const first = store.transaction(async (tx) => {
          const appended = await tx.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'early', data: {} });
          assert.equal(appended.sequence, null, 'the number is given after commit');
          firstAppended.open();
          await secondCommitted.wait;
        });
        await firstAppended.wait;
        // Without the first transaction's lock on the counter, the second one completes while the first is open.
        await store.transaction(async (tx) => {
          await tx.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'late', data: {} });
        });
        const between = await feed.feed(orgId, { limit: 10 });
        assert.deepEqual(between.data.map((e) => [Number(e.sequence), e.subject]), [[1, 'late']]);
        secondCommitted.open();
        await first;
        const next = await feed.feed(orgId, { limit: 10, after: between.next });
        assert.deepEqual(next.data.map((e) => [Number(e.sequence), e.subject]), [[2, 'early']], 'the later commit comes after the cursor');
        const appendedAlone = await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'alone', data: {} });
        assert.equal(appendedAlone.sequence, 3, 'an append that is its own transaction returns its number');
      });

      it('numbers the events a crash left without a number: the next pass first, or the sweep', async () => {
        const { orgs } = adminServices(store, () => new Date());
        const stranded = async (orgId: string, id: string) => {
          // A write that committed in a process that died before its numbering pass ran.
          await sql`insert into outbox_events (org_id, id, type, occurred_at, resource_type, resource_id, data)
            values (${orgId}, ${id}, 'scimd.user.updated', ${new Date().toISOString()}, 'User', ${id}, '{}')`.execute(store.kysely);
        };
        const numberOf = async (orgId: string, id: string) =>
          (await sql<{ sequence: number | null }>`select sequence from outbox_events where org_id = ${orgId} and id = ${id}`.execute(store.kysely)).rows[0]?.sequence ?? null;
        const orgA = (await orgs.create(ADMIN, { name: 'Stranded A' })).id;
        await stranded(orgA, 'stranded-a');
        const later = await store.outboxEvents.append(orgA, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'later', data: {} });
        assert.equal(later.sequence, 2, 'the stranded event was inserted first, so it is numbered first');
        assert.equal(await numberOf(orgA, 'stranded-a'), 1);
        const orgB = (await orgs.create(ADMIN, { name: 'Stranded B' })).id;
        await stranded(orgB, 'stranded-b');
        assert.equal(await numberOf(orgB, 'stranded-b'), null);
        const sweeping = dialect.peer!(store, { eventSweepIntervalMs: 20 } as StoreOptions);
        try {
          const deadline = Date.now() + 5000;
          while ((await numberOf(orgB, 'stranded-b')) === null && Date.now() < deadline) await sleep(10);
          assert.equal(await numberOf(orgB, 'stranded-b'), 1, 'the sweep numbered it without any write or read of the organization');
        } finally {
          await sweeping.close();
        }
      });

      it('does not make a write wait for its numbering pass, and a store that closes numbers what it wrote', async () => {
        const { orgs } = adminServices(store, () => new Date());
        const orgId = (await orgs.create(ADMIN, { name: 'Closing' })).id;
        const writer = dialect.peer!(store, { eventSweepIntervalMs: 0 } as StoreOptions);
        const ids: string[] = [];
        for (let i = 0; i < 5; i += 1) {
          const appended = await writer.transaction((tx) => tx.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: `u${i}`, data: {} }));
          assert.equal(appended.sequence, null, 'numbered after the commit, by a pass of its own');
          ids.push(appended.id);
        }
        await writer.close();
        const rows = (await sql<{ id: string; sequence: number | null }>`select id, sequence from outbox_events where org_id = ${orgId} order by sequence`.execute(store.kysely)).rows;
        assert.deepEqual(rows.map((r) => [r.id, r.sequence]), ids.map((id, i) => [id, i + 1]));
      });

      it('lets two instances on one database deliver in parallel without ever both holding a delivery', async () => {
        const { orgs } = adminServices(store, () => new Date());
        const orgId = (await orgs.create(ADMIN, { name: 'Two instances' })).id;
        const inFlight = new Map<string, number>();
        let overlap = 0;
        const receiver = await startReceiver((req) => {
          const id = String(req.headers['webhook-id']);
          const now = (inFlight.get(id) ?? 0) + 1;
          inFlight.set(id, now);
          if (now > 1) overlap += 1;
          setTimeout(() => inFlight.set(id, (inFlight.get(id) ?? 1) - 1), 25).unref();
          return { status: 200, delayMs: 20 };
        });
        try {
          await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url: receiver.url });
          const second = dialect.peer!(store);
          const workers = [store, second].map((s, i) =>
            createWebhookWorker({
              store: s,
              deliverer: createWebhookDeliverer({ store: s, send: { allowPrivate: true, timeoutMs: 5000, maxResponseBytes: 1024 } }),
              intervalMs: 5,
              batchSize: 6,
              workerId: `instance-${i}`,
            }),
          );
          const total = 60;
          for (let i = 0; i < total; i += 1) {
            await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: `u-${i % 12}`, data: { i } });
          }
          for (const w of workers) w.start();
          await receiver.until((r) => new Set(r.map((x) => x.headers['webhook-id'])).size >= total, 30_000);
          for (const w of workers) await w.stop();
          await second.close();
          const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
          assert.equal(ids.length, total, 'each delivery was sent exactly once');
          assert.equal(new Set(ids).size, total);
          assert.equal(overlap, 0);
          const attempts = await store.webhooks.listAttempts(orgId, { limit: 1000 });
          assert.equal(attempts.length, total);
          // Per resource, sequence order held across both instances.
          const perResource = new Map<string, number[]>();
          for (const r of receiver.received) {
            const list = perResource.get(r.event.subject ?? '') ?? [];
            list.push(Number(r.event.sequence));
            perResource.set(r.event.subject ?? '', list);
          }
          for (const [subject, seqs] of perResource) assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `order of ${subject}`);
        } finally {
          await receiver.close();
        }
      });
    }
  });
}
