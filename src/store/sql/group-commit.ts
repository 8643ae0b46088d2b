/**
 * How the store opens a transaction. PostgreSQL takes plain Kysely transactions: every pooled
 * connection commits on its own, and the server groups concurrent commits itself. SQLite has one
 * writer and pays a fixed cost per COMMIT (the WAL frames, and every few commits a checkpoint)
 * that dwarfs a few indexed inserts, so its transactions are *group-committed*: transactions that
 * arrive while the event loop is busy are queued, then run one after another inside a single
 * database transaction — each in its own SAVEPOINT, so one that throws is rolled back alone — and
 * committed together. Every caller still sees "committed when my promise resolves, rolled back
 * when it rejects"; if the shared COMMIT fails, every transaction of the batch rejects with it.
 *
 * `durable` (SQLite's WAL sync, sqlite/wal-sync.ts) is awaited after a COMMIT before its
 * transactions resolve; the next batch does not wait for it, so the disk and the event loop work
 * side by side.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../database.ts';

/** Runs `fn` in a transaction (see the module comment) and settles with its outcome. */
export type TransactionRunner = <T>(fn: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;

/** Resolves once what was committed before the call is on disk. */
export type DurabilityBarrier = () => Promise<void>;

/** One Kysely transaction per call (resolving after `durable`, when given). */
export function plainTransactions(db: Kysely<Database>, durable?: DurabilityBarrier): TransactionRunner {
  if (durable === undefined) return (fn) => db.transaction().execute(fn);
  return async (fn) => {
    const value = await db.transaction().execute(fn);
    await durable();
    return value;
  };
}

export interface GroupCommitOptions {
  /** Most transactions committed together (default 100), which bounds the wait of the last one. */
  readonly maxBatch?: number;
  /** Awaited after each COMMIT before the batch's transactions settle (see the module comment). */
  readonly durable?: DurabilityBarrier;
  /**
   * True for the error of a BEGIN that found the write lock held by another connection and did not
   * wait for it (SQLite: SQLITE_BUSY). Such a batch is tried again after a pause of about a
   * millisecond, for up to `lockWaitMs` (then its transactions reject with that error): the event
   * loop keeps serving requests meanwhile, and the connection is free for reads, where a waiting
   * BEGIN would hold both in SQLite's busy handler.
   */
  readonly isLocked?: (error: unknown) => boolean;
  /** How long a batch keeps trying for the lock (default 5000 ms). */
  readonly lockWaitMs?: number;
}

interface Job {
  readonly fn: (trx: Kysely<Database>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly job: Job; readonly ok: true; readonly value: unknown } | { readonly job: Job; readonly ok: false; readonly error: unknown };

const SAVEPOINT = CompiledQuery.raw('savepoint scimd_tx');
const RELEASE = CompiledQuery.raw('release savepoint scimd_tx');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint scimd_tx');

/** Runs one queued transaction inside the batch, isolated by a savepoint. */
async function runJob(trx: Kysely<Database>, job: Job): Promise<Outcome> {
  await trx.executeQuery(SAVEPOINT);
  try {
    const value = await job.fn(trx);
    await trx.executeQuery(RELEASE);
    return { job, ok: true, value };
  } catch (error) {
    // Undo this transaction's writes only; a failure here leaves the batch unusable (thrown on).
    await trx.executeQuery(ROLLBACK_TO);
    await trx.executeQuery(RELEASE);
    return { job, ok: false, error };
  }
}

/** Creates the group committer for `db` (see the module comment). */
export function createGroupCommitter(db: Kysely<Database>, options: GroupCommitOptions = {}): TransactionRunner {
  const maxBatch = Math.max(1, options.maxBatch ?? 100);
  const queue: Job[] = [];
  let scheduled = false;

  const schedule = () => {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    // After the current I/O phase, so every request that arrived with this one joins the batch.
    setImmediate(() => void drain());
  };

  async function commitBatch(batch: Job[]): Promise<void> {
    const outcomes: Outcome[] = [];
    const trx = await db.startTransaction().execute();
    try {
      for (const job of batch) outcomes.push(await runJob(trx, job));
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      // Transactions that had failed on their own keep their own error.
      for (const job of batch) {
        const own = outcomes.find((o) => o.job === job);
        job.reject(own !== undefined && !own.ok ? own.error : error);
      }
      return;
    }
    const settle = () => {
      for (const outcome of outcomes) {
        if (outcome.ok) outcome.job.resolve(outcome.value);
        else outcome.job.reject(outcome.error);
      }
    };
    if (options.durable === undefined) return settle();
    // Not awaited: the next batch runs while this one's sync is on the disk.
    options.durable().then(settle, (error: unknown) => {
      // Committed but not known to be on disk: no transaction of the batch may be acknowledged.
      for (const outcome of outcomes) outcome.job.reject(outcome.ok ? error : outcome.error);
    });
  }

  const lockWaitMs = options.lockWaitMs ?? 5000;
  // When the batch at the head of the queue first found the lock taken (undefined: it did not).
  let lockedSince: number | undefined;

  async function drain(): Promise<void> {
    const batch = queue.splice(0, maxBatch);
    try {
      await commitBatch(batch);
      lockedSince = undefined;
    } catch (error) {
      if (options.isLocked?.(error) === true) {
        const now = performance.now();
        lockedSince ??= now;
        if (now - lockedSince < lockWaitMs) {
          // Another connection holds the write lock: try again shortly, with the transactions
          // queued meanwhile joining the batch.
          queue.unshift(...batch);
          setTimeout(() => void drain(), 1);
          return;
        }
      }
      lockedSince = undefined;
      // BEGIN itself failed (e.g. the database is locked by another process past the busy timeout).
      for (const job of batch) job.reject(error);
    }
    scheduled = false;
    schedule();
  }

  return <T>(fn: (trx: Kysely<Database>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
}
