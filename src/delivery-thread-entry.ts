/**
 * The webhook delivery thread's entry (started by delivery-thread.ts with the server's Config as
 * `workerData.config`). It opens its own connection to the server's database, builds scimd over it
 * with `buildScimd` — the wiring `scimd webhook deliver` uses — and runs only the delivery worker:
 * `wake` runs a round now, `stop` lets the requests in flight finish, closes the connection and
 * ends the thread. Log lines go to the main thread, which writes them through the server's logger.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { buildScimd } from './build-scimd.ts';
import type { Config } from './config.ts';
import type { FromDeliveryThread, ToDeliveryThread } from './delivery-thread.ts';
import { createLogger } from './http/logger.ts';
import { createPostgresStore } from './store/postgres/store.ts';
import type { SqlStore } from './store/sql/sql-store.ts';
import { createSqliteStore } from './store/sqlite/store.ts';

/** PostgreSQL connections of the thread: a claim, a range being recorded, heartbeats and leases. */
const THREAD_POOL_SIZE = 4;

/**
 * The thread's own connection. The main thread migrated the database and runs the WAL
 * checkpoints and the PostgreSQL vacuum check: this connection does neither. On SQLite it does
 * not wait for an fsync of its commits either (`synchronous: 'normal'`): what it records is the
 * outcome of requests already sent, and should a power loss take the last of those records the
 * ranges are simply sent again — the at-least-once promise, which receivers deduplicate — while
 * the SCIM writes keep the WAL fsyncs to themselves.
 */
function openThreadStore(config: Config): SqlStore {
  const { database } = config;
  if (database.kind === 'postgres') return createPostgresStore({ connectionString: database.url, maxConnections: THREAD_POOL_SIZE, vacuumIntervalMs: 0 });
  return createSqliteStore({ path: database.path, synchronous: 'normal', checkpoints: false });
}

const port = parentPort;
if (port === null) throw new Error('delivery-thread-entry.ts runs only as the webhook delivery thread (delivery-thread.ts)');
const send = (message: FromDeliveryThread): void => port.postMessage(message);
const { config } = workerData as { config: Config };
const logger = createLogger({ level: config.logLevel, destination: { write: (line: string) => send({ kind: 'log', line }) } });
const store = openThreadStore(config);
const { webhookDelivery } = buildScimd(config, store, { logger });

port.on('message', (message: ToDeliveryThread) => {
  if (message === 'wake') webhookDelivery.wake();
  else if (message === 'stop') void stop();
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await webhookDelivery.stop();
  await store.close();
  // Nothing is left to keep the thread alive: it ends.
  port!.close();
}

/**
 * Lowers this thread's scheduling priority (SCIMD_WEBHOOK_DELIVERY_NICE). On Linux a nice value
 * belongs to a thread, and `setPriority(0, …)` from inside a worker thread renices that thread
 * only: the event loop serving requests keeps its priority. The value is absolute, and a thread
 * of a process already running at a higher one stays there. Elsewhere it may apply to the whole
 * process, so it is applied on Linux only.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    // A process started at a higher nice value keeps it (raising a priority needs privileges).
    if (getPriority(0) < nice) setPriority(0, nice);
  } catch (error) {
    logger.warn({ err: error, nice }, 'could not lower the webhook delivery thread\'s priority');
  }
}

/** This thread's kernel thread id (Linux), for per-thread CPU accounting; undefined elsewhere. */
function osThreadId(): number | undefined {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return undefined;
  }
}

lowerPriority(config.events.deliveryNice);
webhookDelivery.start();
logger.info({ database: config.database.kind, nice: config.events.deliveryNice }, 'webhook delivery running on its own thread');
send({ kind: 'ready', tid: osThreadId() });
