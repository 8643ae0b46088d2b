/**
 * Webhook delivery on its worker thread (SCIMD_WEBHOOK_DELIVERY=thread, the default), on a SQLite
 * file and on PostgreSQL when reachable, with a real receiver on 127.0.0.1: a running server's
 * SCIM writes wake the thread (the idle poll is set to a minute, so only the wake can explain a
 * prompt delivery); the thread's log lines come out through the server's logger; a thread that
 * dies is logged at error and started again, and delivers afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildScimd } from '../../src/build-scimd.ts';
import { loadConfig, storeConfigOf, type Config } from '../../src/config.ts';
import { startDeliveryThread } from '../../src/delivery-thread.ts';
import { createLogger } from '../../src/http/logger.ts';
import { startRuntime } from '../../src/runtime.ts';
import { scimActor } from '../../src/services/context.ts';
import { createStore } from '../../src/store/create-store.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { createTestDatabase } from '../e2e/postgres.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ADMIN = { type: 'admin' as const, id: null, name: 'test' };

const dir = mkdtempSync(join(tmpdir(), 'scimd-delivery-thread-'));
const pgSetup = await createTestDatabase();
const targets: { name: string; url: (n: string) => string }[] = [{ name: 'sqlite', url: (n) => `sqlite:${join(dir, `${n}.db`)}` }];
if (!('skip' in pgSetup)) targets.push({ name: 'postgres', url: () => pgSetup.url });
const receivers: Receiver[] = [];

after(async () => {
  for (const r of receivers) await r.close();
  if (!('skip' in pgSetup)) await pgSetup.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A logger whose JSON lines are kept in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

function configFor(url: string, extra: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true', SCIMD_EVENT_POLL_MS: '60000', ...extra });
}

const subjects = (receiver: Receiver) => new Set(receiver.accepted().map((r) => r.event.subject));

for (const target of targets) {
  describe(`webhook delivery thread on ${target.name}`, () => {
    it('delivers a running server\'s SCIM writes from its thread as soon as they commit, with a one-minute idle poll', { timeout: 90_000 }, async () => {
      const { logger, lines } = capturingLogger();
      const config = configFor(target.url('serve'));
      const runtime = await startRuntime(config, { logger });
      try {
        assert.equal(runtime.bootstrap.status, 'created');
        if (runtime.bootstrap.status !== 'created') return;
        const orgId = runtime.bootstrap.organization.id;
        const receiver = await startReceiver();
        receivers.push(receiver);
        await buildScimd(config, runtime.store).services.webhooks.create({ orgId, actor: ADMIN }, { url: receiver.url });
        const create = async (n: number) => {
          const response = await fetch(`${runtime.tenantUrl}/Users`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${runtime.bootstrap.status === 'created' ? runtime.bootstrap.secret : ''}`, 'Content-Type': 'application/scim+json' },
            body: JSON.stringify({ schemas: [USER], userName: `thread${n}@acme.test`, active: true }),
          });
          assert.equal(response.status, 201);
          return String(((await response.json()) as { id: string }).id);
        };
        // The first may go out with the thread's first round; the later ones only because their write woke it.
        for (let n = 0; n < 3; n += 1) {
          const id = await create(n);
          await receiver.until(() => subjects(receiver).has(id), 20_000);
          // Let the worker record the range and run its follow-up round, so that the next write
          // finds it idle until its next poll, a minute away: only a wake then sends the event.
          await new Promise((r) => setTimeout(r, 1000));
        }
        assert.ok(lines.some((l) => l['thread'] === 'webhook-delivery' && l['msg'] === 'webhook delivery running on its own thread'));
      } finally {
        await runtime.close();
      }
    });
  });
}

describe('a webhook delivery thread that dies', () => {
  it('is logged at error, started again, and delivers afterwards; its attempt log lines reach the server\'s logger', { timeout: 90_000 }, async () => {
    const { logger, lines } = capturingLogger();
    // A retry falls due by the clock, not by a commit: the worker finds it at its idle poll, short here.
    const config = configFor(targets[0]!.url('restart'), { SCIMD_WEBHOOK_RETRY_SCHEDULE_MS: '50,50,50', SCIMD_EVENT_POLL_MS: '200' });
    const store = createStore(storeConfigOf(config));
    await migrateToLatest(store);
    const { services } = buildScimd(config, store);
    const orgId = (await services.organizations.create(ADMIN, { name: 'Acme' })).id;
    // The first request fails (a logged attempt), every later one succeeds.
    const receiver = await startReceiver((_, index) => ({ status: index === 0 ? 500 : 204 }));
    receivers.push(receiver);
    await services.webhooks.create({ orgId, actor: ADMIN }, { url: receiver.url });
    const ctx = { orgId, actor: scimActor('k', 'test') };
    const thread = startDeliveryThread({ config, logger, restartDelayMs: 50 });
    try {
      await thread.ready();
      const first = await services.users.create(ctx, { schemas: [USER], userName: 'before@acme.test', active: true });
      thread.wake();
      await receiver.until(() => subjects(receiver).has(first.resource.id as string), 20_000);
      assert.ok(lines.some((l) => l['level'] === 'warn' && l['thread'] === 'webhook-delivery' && l['msg'] === 'webhook attempt failed'), 'the failed attempt is logged through the server logger');

      const dying = thread.worker;
      assert.ok(dying);
      await dying.terminate();
      const second = await services.users.create(ctx, { schemas: [USER], userName: 'after@acme.test', active: true });
      const deadline = Date.now() + 20_000;
      while (thread.worker === undefined || thread.worker === dying) {
        assert.ok(Date.now() < deadline, 'the thread was not started again');
        await new Promise((r) => setTimeout(r, 20));
      }
      await thread.ready();
      thread.wake();
      await receiver.until(() => subjects(receiver).has(second.resource.id as string), 20_000);
      const exit = lines.find((l) => l['msg'] === 'webhook delivery thread exited; starting it again');
      assert.equal(exit?.['level'], 'error');
    } finally {
      await thread.stop();
      await store.close();
    }
    assert.equal(thread.worker, undefined, 'stop() ends the thread');
  });
});

describe('the delivery thread\'s priority', () => {
  it('lowers its own nice value to SCIMD_WEBHOOK_DELIVERY_NICE and leaves the event loop\'s alone', { skip: process.platform !== 'linux' }, async () => {
    const { logger } = capturingLogger();
    const config = configFor(`sqlite:${join(dir, 'nice.db')}`, { SCIMD_WEBHOOK_DELIVERY_NICE: '7' });
    const store = createStore(storeConfigOf(config));
    await migrateToLatest(store);
    const before = getPriority(0);
    const thread = startDeliveryThread({ config, logger });
    try {
      await thread.ready();
      assert.ok(thread.tid !== undefined && thread.tid !== process.pid, 'the thread reports its own kernel thread id');
      assert.equal(getPriority(thread.tid), Math.max(before, 7), 'never raises a priority the process was started with');
      assert.equal(getPriority(0), before, 'the main thread keeps its priority');
      assert.equal(getPriority(process.pid), before);
    } finally {
      await thread.stop();
      await store.close();
    }
  });
});
