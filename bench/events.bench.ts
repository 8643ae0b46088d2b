/**
 * Host-application events: webhook deliveries per second to a local receiver, commit → delivery
 * latency, feed pages per second, and what running delivery costs SCIM write throughput.
 *   [DIALECT=postgres] [EVENTS=3000] [SECONDS=5] node --import tsx bench/events.bench.ts
 * The receiver runs in a child process (so it does not share scimd's event loop) and answers 204.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { userSchemas } from '../src/core/schema/resource-types.ts';
import { scimActor, type OperationContext } from '../src/services/context.ts';
import { createEventService } from '../src/services/events.ts';
import { loadConfig } from '../src/config.ts';
import { startDeliveryThread, type DeliveryThread } from '../src/delivery-thread.ts';
import { createLogger } from '../src/http/logger.ts';
import { createUserService } from '../src/services/scim-users.ts';
import { createWebhookDeliverer } from '../src/services/webhook-delivery.ts';
import { createWebhookService } from '../src/services/webhooks.ts';
import { withCommitSignal } from '../src/store/commit-signal.ts';
import type { SqlStore } from '../src/store/sql/sql-store.ts';
import { createWebhookWorker } from '../src/workers/webhook-worker.ts';
import { DIALECT, openBenchStore } from './store-harness.ts';
import { cpuSplit, mainThreadCpuMicros, threadCpuMicros } from './thread-cpu.ts';

const EVENTS = Number(process.env['EVENTS'] ?? 3000);
/** Which phases run (all by default): throughput, latency, feed, write. */
const PHASES = new Set((process.env['PHASES'] ?? 'throughput,latency,feed,write').split(','));
const SECONDS = Number(process.env['SECONDS'] ?? 5);
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ADMIN = { type: 'admin' as const, id: null, name: 'bench' };

/**
 * The receiver child: notes each request's arrival (webhook-id, time) and reports them over IPC
 * every 20 ms in one message, so that the IPC costs neither process a message per event (the
 * writing process is the one being measured; a real receiver is another machine).
 */
const RECEIVER = `
const http = require('node:http');
let pending = [];
setInterval(() => { if (pending.length > 0) { process.send({ batch: pending }); pending = []; } }, 20);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { pending.push([req.headers['webhook-id'], Date.now()]); res.writeHead(204); res.end(); });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

async function startReceiver(): Promise<{ url: string; child: ChildProcess; arrivals: Map<string, number> }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrivals = new Map<string, number>();
  const port = await new Promise<number>((resolve) => {
    child.on('message', (m: { port?: number; batch?: [string, number][] }) => {
      if (m.port !== undefined) resolve(m.port);
      for (const [id, at] of m.batch ?? []) if (!arrivals.has(id)) arrivals.set(id, at);
    });
  });
  return { url: `http://127.0.0.1:${port}/hooks`, child, arrivals };
}

function workerFor(store: SqlStore, intervalMs = 250) {
  const deliverer = createWebhookDeliverer({ store, send: { allowPrivate: true, timeoutMs: 10_000, maxResponseBytes: 4096 } });
  return createWebhookWorker({ store, deliverer, intervalMs, batchSize: 32 });
}

async function org(store: SqlStore, name: string): Promise<string> {
  return (await store.organizations.create({ name, slug: `${name}-${Math.random().toString(36).slice(2, 8)}` })).id;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function throughput(store: SqlStore, url: string, arrivals: Map<string, number>): Promise<void> {
  const orgId = await org(store, 'throughput');
  await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url });
  for (let i = 0; i < EVENTS; i += 1) {
    await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: `u${i % 500}`, data: { i } });
  }
  const before = arrivals.size;
  const worker = workerFor(store, 5);
  const started = performance.now();
  worker.start();
  while (arrivals.size - before < EVENTS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  console.log(`deliveries: ${EVENTS} events over 500 resources in ${seconds.toFixed(2)} s = ${Math.round(EVENTS / seconds)} events/s`);
}

/**
 * The delivery thread's CPU per event, alone: EVENTS events of distinct users queued, then the
 * delivery thread (as `scimd serve` starts it) drains them; CPU per thread from /proc.
 */
async function drain(store: SqlStore, url: string, arrivals: Map<string, number>): Promise<void> {
  const thread = await startThread(databaseUrlOf);
  const queue = async (name: string, count: number): Promise<void> => {
    const orgId = await org(store, name);
    await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url });
    await store.transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) {
        const resource = { id: `u${i}`, userName: `u${i}@bench.test`, active: true, name: { givenName: 'Bench', familyName: `User ${i}` }, emails: [{ value: `u${i}@bench.test`, primary: true }] };
        await tx.outboxEvents.append(orgId, { type: 'scimd.user.created', resourceType: 'User', resourceId: `u${i}`, data: { resource } });
      }
    });
    thread.wake();
  };
  // Warm-up: the thread's modules compiled, its statements prepared.
  let before = arrivals.size;
  await queue('drain-warm-up', 500);
  while (arrivals.size - before < 500) await new Promise((r) => setTimeout(r, 5));
  before = arrivals.size;
  const threads = threadCpuMicros();
  const started = performance.now();
  await queue('drain', EVENTS);
  while (arrivals.size - before < EVENTS) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  const split = cpuSplit(threads, deliveryTid);
  await thread.stop();
  const per = (micros: number) => (micros / EVENTS).toFixed(0);
  console.log(`drain: ${EVENTS} events of distinct users queued in one transaction and delivered in ${seconds.toFixed(2)} s = ${Math.round(EVENTS / seconds)} events/s; CPU per event: delivery thread ${per(split.delivery)} µs, main ${per(split.main)} µs (queueing them), other threads ${per(split.other)} µs`);
}

async function latency(store: SqlStore, url: string, arrivals: Map<string, number>, intervalMs: number): Promise<void> {
  const orgId = await org(store, `latency-${intervalMs}`);
  await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId, actor: ADMIN }, { url });
  // DELIVERY=thread: the delivery thread, woken by the writes; otherwise a worker on this event
  // loop that only polls (as before the wake-up existed).
  const threaded = process.env['DELIVERY'] === 'thread';
  const users = createUserService({ store: withCommitSignal(store, () => wakeDelivery()), schemasFor: () => userSchemas() });
  const ctx: OperationContext = { orgId, actor: scimActor('k', 'bench') };
  const worker = threaded ? await startThread(databaseUrlOf, intervalMs) : workerFor(store, intervalMs);
  if (!threaded) (worker as ReturnType<typeof workerFor>).start();
  const committed = new Map<string, number>();
  const count = 300;
  for (let i = 0; i < count; i += 1) {
    const user = await users.create(ctx, { schemas: [USER], userName: `lat${i}@bench.test`, active: true });
    const acknowledged = Date.now();
    const event = await store.kysely.selectFrom('outbox_events').select('id').where('org_id', '=', orgId).where('resource_id', '=', user.resource.id as string).executeTakeFirstOrThrow();
    committed.set(event.id, acknowledged);
    await new Promise((r) => setTimeout(r, 10));
  }
  while ([...committed.keys()].some((id) => !arrivals.has(id))) await new Promise((r) => setTimeout(r, 5));
  await worker.stop();
  wakeDelivery = () => undefined;
  const delays = [...committed].map(([id, at]) => (arrivals.get(id) ?? at) - at);
  console.log(`commit → delivery (${threaded ? `delivery thread woken by commits, nice ${threadNice}` : 'worker polling on this event loop'}, idle poll ${intervalMs} ms, ${count} writes ~60/s): p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms`);
}

async function feedPages(store: SqlStore): Promise<void> {
  const orgId = await org(store, 'feed');
  for (let i = 0; i < 10_000; i += 1) {
    await store.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: `u${i % 1000}`, data: { resource: { id: `u${i}`, userName: `u${i}@bench.test`, active: true }, changed: ['active'] } });
  }
  const feed = createEventService({ store });
  const started = performance.now();
  let pages = 0;
  let after: string | undefined;
  for (;;) {
    const page = await feed.feed(orgId, { limit: 100, ...(after ? { after } : {}) });
    if (page.data.length === 0) break;
    pages += 1;
    after = page.next;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`feed: ${pages} pages of 100 (10,000 events) in ${seconds.toFixed(2)} s = ${Math.round(pages / seconds)} pages/s`);
}

/** Process CPU time (user + system, all threads) per SCIM create of the last `writeRate` run, in µs. */
let lastCpuPerWrite = NaN;
/** The main thread's CPU time per SCIM create of the last `writeRate` run, in µs (Linux; NaN elsewhere). */
let lastMainCpuPerWrite = NaN;

/** The delivery thread's nice value (NICE, else the server's default). */
let threadNice = 0;
/** The delivery thread's kernel thread id while DELIVERY=thread runs. */
let deliveryTid: number | undefined;

/** Per-thread CPU µs per SCIM create of the last `writeRate` run. */
let lastSplit = { main: NaN, delivery: NaN, other: NaN };

/** Wakes the delivery running during the write phase after each commit, as `scimd serve` does. */
let wakeDelivery = (): void => undefined;

async function writeRate(store: SqlStore, orgId: string): Promise<number> {
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMicros();
  const threads = threadCpuMicros();
  const users = createUserService({ store: withCommitSignal(store, () => wakeDelivery()), schemasFor: () => userSchemas() });
  const ctx: OperationContext = { orgId, actor: scimActor('k', 'bench') };
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      while (Date.now() < end) {
        const i = (n += 1);
        await users.create(ctx, { schemas: [USER], userName: `w${w}-${i}-${Math.random()}@bench.test`, active: true });
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  lastCpuPerWrite = (used.user + used.system) / n;
  lastMainCpuPerWrite = (mainThreadCpuMicros() - mainCpu) / n;
  const split = cpuSplit(threads, deliveryTid);
  lastSplit = { main: split.main / n, delivery: split.delivery / n, other: split.other / n };
  return n / ((Date.now() - started) / 1000);
}

/**
 * Write throughput without and with delivery, alternating (without, with, without, …) after a
 * warm-up so that JIT warm-up and the machine's drift fall on both sides; medians are compared.
 *
 * Where the write-cost phase delivers (DELIVERY): `inline` (the default) — a worker on this event
 * loop, as `scimd serve` with SCIMD_WEBHOOK_DELIVERY=inline; `thread` — the delivery thread
 * `scimd serve` starts by default (src/delivery-thread.ts, its own connection), for the whole
 * phase; `process` — one `scimd webhook deliver` child (dist/, `npm run build`) on the same
 * database for the whole phase (`serve` with SCIMD_WEBHOOK_DELIVERY=false). In every mode the
 * writers' commits wake the delivery (the process mode has no wake: it polls).
 */
async function startDeliveryProcess(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/scimd.js', 'webhook', 'deliver'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl, SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'error' },
  });
  // It says so on stderr once the worker runs.
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('delivering webhooks')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`scimd webhook deliver exited with ${code}`)));
  });
  return child;
}

const idle = { start: () => undefined, stop: async () => undefined };

const eventIds = async (store: SqlStore, orgId: string): Promise<string[]> =>
  (await store.kysely.selectFrom('outbox_events').select('id').where('org_id', '=', orgId).execute()).map((r) => r.id);

async function allArrived(ids: readonly string[], arrivals: Map<string, number>): Promise<void> {
  let missing = ids.filter((id) => !arrivals.has(id));
  while (missing.length > 0) {
    await new Promise((r) => setTimeout(r, 2));
    missing = missing.filter((id) => !arrivals.has(id));
  }
}

/** The delivery thread `scimd serve` starts, on the bench database, woken by the writers' commits. */
async function startThread(databaseUrl: string, pollMs = 250): Promise<DeliveryThread> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'error', SCIMD_EVENT_POLL_MS: String(pollMs), ...(process.env['NICE'] === undefined ? {} : { SCIMD_WEBHOOK_DELIVERY_NICE: process.env['NICE'] }) });
  threadNice = config.events.deliveryNice;
  const thread = startDeliveryThread({ config, logger: createLogger({ level: 'error' }) });
  await thread.ready();
  deliveryTid = thread.tid;
  wakeDelivery = thread.wake;
  return thread;
}

async function writeCost(store: SqlStore, databaseUrl: string, url: string, arrivals: Map<string, number>): Promise<void> {
  const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
  const mode = process.env['DELIVERY'] ?? 'inline';
  if (!['inline', 'thread', 'process'].includes(mode)) throw new Error(`DELIVERY must be inline, thread or process, not ${mode}`);
  const separate = mode === 'process' ? await startDeliveryProcess(databaseUrl) : undefined;
  const thread = mode === 'thread' ? await startThread(databaseUrl) : undefined;
  const deliveryFor = () => {
    if (separate || thread) return idle;
    const worker = workerFor(store);
    return {
      start: () => {
        wakeDelivery = worker.nudge;
        worker.start();
      },
      stop: async () => {
        wakeDelivery = () => undefined;
        await worker.stop();
      },
    };
  };
  console.log(`delivery ${separate ? 'in a separate `scimd webhook deliver` process' : thread ? `on the delivery thread of the writing process (nice ${threadNice})` : 'on the writing event loop'}`);
  // Warm-up of both paths (the first run of each is slower while the JIT compiles it).
  await writeRate(store, await org(store, 'warm-up'));
  const warm = await org(store, 'warm-up-webhook');
  await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId: warm, actor: ADMIN }, { url });
  const warmWorker = deliveryFor();
  warmWorker.start();
  await writeRate(store, warm);
  await allArrived(await eventIds(store, warm), arrivals);
  await warmWorker.stop();
  const without: number[] = [];
  const withDelivery: number[] = [];
  const cpuWithout: number[] = [];
  const cpuWith: number[] = [];
  const mainWithout: number[] = [];
  const mainWith: number[] = [];
  const splitsWithout: (typeof lastSplit)[] = [];
  const splitsWith: (typeof lastSplit)[] = [];
  const altNice = process.env['NICE_ALT'] === undefined ? undefined : Number(process.env['NICE_ALT']);
  const withAlt: number[] = [];
  /** One "with delivery" run: writes to a new organization with an endpoint, then waits for every event. */
  const withRound = async (name: string) => {
    const hooked = await org(store, name);
    await createWebhookService({ store, safety: { allowPrivate: true } }).create({ orgId: hooked, actor: ADMIN }, { url });
    const worker = deliveryFor();
    worker.start();
    const rate = await writeRate(store, hooked);
    const main = lastMainCpuPerWrite;
    const writingSplit = lastSplit;
    const writingCpu = lastCpuPerWrite;
    const writes = Math.round(rate * SECONDS);
    // The CPU the worker spends catching up after the writers stop belongs to these writes too.
    const ids = await eventIds(store, hooked);
    const written = ids.length;
    const during = ids.filter((id) => arrivals.has(id)).length;
    const cpu = process.cpuUsage();
    const tailThreads = threadCpuMicros();
    // Every event of this run, by id: a count could be met by a previous run's late arrivals.
    const waitStarted = performance.now();
    await allArrived(ids, arrivals);
    const catchUpMs = performance.now() - waitStarted;
    const tail = process.cpuUsage(cpu);
    const tailSplit = cpuSplit(tailThreads, deliveryTid);
    const perWrite = (micros: number) => micros / Math.max(1, writes);
    await worker.stop();
    return {
      rate,
      main,
      during,
      written,
      tailMs: (tail.user + tail.system) / 1000,
      catchUpMs,
      split: { main: writingSplit.main + perWrite(tailSplit.main), delivery: writingSplit.delivery + perWrite(tailSplit.delivery), other: writingSplit.other + perWrite(tailSplit.other) },
      cpu: writingCpu + (tail.user + tail.system) / Math.max(1, writes),
    };
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    without.push(await writeRate(store, await org(store, `no-webhook-${round}`)));
    cpuWithout.push(lastCpuPerWrite);
    mainWithout.push(lastMainCpuPerWrite);
    splitsWithout.push(lastSplit);
    const alternate = altNice !== undefined && thread?.tid !== undefined ? thread.tid : undefined;
    // With NICE_ALT, a second "with" run at that nice value, before or after the first in turn.
    const order = alternate === undefined ? ['base'] : round % 2 === 0 ? ['base', 'alt'] : ['alt', 'base'];
    for (const variant of order) {
      if (variant === 'alt' && alternate !== undefined) {
        // The same thread at another nice value (root may raise its priority back afterwards).
        setPriority(alternate, altNice ?? 0);
        const alt = await withRound(`webhook-${round}-nice`);
        setPriority(alternate, threadNice);
        withAlt.push(alt.rate);
        console.log(`  round ${round + 1} at nice ${altNice}: ${alt.rate.toFixed(0)} creates/s, ${alt.during} of ${alt.written} events delivered while writing, the rest within ${alt.catchUpMs.toFixed(0)} ms (${alt.tailMs.toFixed(0)} ms CPU) after; CPU per create main ${alt.split.main.toFixed(0)} µs, delivery thread ${alt.split.delivery.toFixed(0)} µs`);
        continue;
      }
      const measured = await withRound(`webhook-${round}`);
      withDelivery.push(measured.rate);
      mainWith.push(measured.main);
      splitsWith.push(measured.split);
      cpuWith.push(measured.cpu);
      console.log(`  round ${round + 1}: ${measured.rate.toFixed(0)} creates/s, ${measured.during} of ${measured.written} events delivered while writing, the rest within ${measured.catchUpMs.toFixed(0)} ms (${measured.tailMs.toFixed(0)} ms CPU) after`);
    }
  }
  if (withAlt.length > 0) {
    const base = percentile(without, 50);
    const alt = percentile(withAlt, 50);
    console.log(`with delivery at nice ${altNice}: ${withAlt.map(Math.round).join(' / ')} /s → median ${Math.round(alt)} vs ${Math.round(base)} without: ${(((base - alt) / base) * 100).toFixed(1)} % slower`);
  }
  const median = (values: number[]) => percentile(values, 50);
  const base = median(without);
  const hooked = median(withDelivery);
  console.log(
    `SCIM creates, 8 writers, ${SECONDS} s × ${ROUNDS} rounds each: without delivery ${without.map(Math.round).join(' / ')} /s, with delivery running ${withDelivery.map(Math.round).join(' / ')} /s → medians ${Math.round(base)} vs ${Math.round(hooked)}: ${(((base - hooked) / base) * 100).toFixed(1)} % slower`,
  );
  await thread?.stop();
  if (separate) await new Promise((resolve) => {
    separate.once('exit', resolve);
    separate.kill('SIGTERM');
  });
  const mainBase = median(mainWithout);
  const mainHooked = median(mainWith);
  console.log(
    `main-thread CPU per SCIM create while writing (median): without delivery ${mainBase.toFixed(0)} µs, with delivery ${mainHooked.toFixed(0)} µs → ${(mainHooked - mainBase).toFixed(0)} µs = ${(((mainHooked - mainBase) / mainBase) * 100).toFixed(1)} % more on the event loop that serves requests`,
  );
  const part = (splits: (typeof lastSplit)[], key: keyof typeof lastSplit) => median(splits.map((x) => x[key])).toFixed(0);
  console.log(
    `CPU per SCIM create by thread, writing and catching up (/proc ticks; median): without delivery main ${part(splitsWithout, 'main')} µs, other threads ${part(splitsWithout, 'other')} µs; with delivery main ${part(splitsWith, 'main')} µs, delivery thread ${part(splitsWith, 'delivery')} µs, other threads ${part(splitsWith, 'other')} µs`,
  );
  const cpuBase = median(cpuWithout);
  const cpuHooked = median(cpuWith);
  console.log(
    `CPU per SCIM create (process, all threads; median): without delivery ${cpuBase.toFixed(0)} µs, with its delivery ${cpuHooked.toFixed(0)} µs → delivery adds ${(cpuHooked - cpuBase).toFixed(0)} µs per write = ${(((cpuHooked - cpuBase) / cpuHooked) * 100).toFixed(1)} % of the CPU (the throughput a CPU-bound server loses)`,
  );
}

const bench = await openBenchStore();
const databaseUrlOf = bench.databaseUrl;
const receiver = await startReceiver();
console.log(`# events on ${DIALECT}`);
try {
  if (PHASES.has('drain')) await drain(bench.store, receiver.url, receiver.arrivals);
  if (PHASES.has('throughput')) await throughput(bench.store, receiver.url, receiver.arrivals);
  if (PHASES.has('latency')) await latency(bench.store, receiver.url, receiver.arrivals, 250);
  if (PHASES.has('latency')) await latency(bench.store, receiver.url, receiver.arrivals, 20);
  if (PHASES.has('feed')) await feedPages(bench.store);
  if (PHASES.has('write')) await writeCost(bench.store, bench.databaseUrl, receiver.url, receiver.arrivals);
} finally {
  receiver.child.kill();
  await bench.dispose();
}
