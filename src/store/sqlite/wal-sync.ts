/**
 * Durable commits without blocking the event loop (`synchronous: 'full'`, the default).
 *
 * SQLite's own `synchronous = FULL` fsyncs the WAL inside every COMMIT, and better-sqlite3 runs
 * COMMIT on the event loop: every request of the process waits for the disk (measured: 16
 * concurrent writers lost a third of their throughput, a single writer three quarters). Instead the
 * connection runs `synchronous = NORMAL` — COMMIT only appends its frames to the WAL — and the store
 * calls `sync()` after each COMMIT and acknowledges the transaction only when it resolves. `sync()`
 * runs `fdatasync` on the WAL file in libuv's thread pool, so the event loop keeps serving requests
 * and committing further batches meanwhile; batches that commit while a sync is running share the
 * next one. An acknowledged transaction is therefore on disk exactly as with FULL: its frames, and
 * every frame before them, are in the synced WAL — or, if a checkpoint already copied them and
 * restarted the WAL, in the database file, which SQLite fsyncs before it restarts the WAL.
 *
 * What FULL would also give and this does not: other connections can read a transaction a few
 * milliseconds before it is durable (its writer is still waiting). No acknowledged write depends on
 * such a read without waiting for a later, covering sync itself.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface WalSync {
  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void>;
  /** How many fdatasync calls ran (for tests and metrics). */
  readonly count: number;
  close(): Promise<void>;
}

/** A syncer for the WAL of the database file at `databasePath` (the file `<path>-wal`). */
export function createWalSync(databasePath: string): WalSync {
  const walPath = `${databasePath}-wal`;
  let handle: Promise<FileHandle | undefined> | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let count = 0;

  const fileHandle = (): Promise<FileHandle | undefined> =>
    (handle ??= open(walPath, 'r').catch((error: NodeJS.ErrnoException) => {
      handle = undefined;
      // No WAL yet means nothing was committed through it: nothing to make durable.
      if (error.code === 'ENOENT') return undefined;
      throw error;
    }));

  async function syncOnce(): Promise<void> {
    const file = await fileHandle();
    if (file === undefined) return;
    count += 1;
    await file.datasync();
  }

  function start(): Promise<void> {
    const current = syncOnce();
    running = current;
    const done = () => {
      if (running === current) running = undefined;
    };
    current.then(done, done);
    return current;
  }

  return {
    sync() {
      if (running === undefined) return start();
      // A sync already running may have started before the caller's frames were written: the
      // caller needs the next one, which every caller arriving meanwhile shares.
      queued ??= running.then(
        () => undefined,
        () => undefined,
      ).then(() => {
        queued = undefined;
        return start();
      });
      return queued;
    },
    get count() {
      return count;
    },
    async close() {
      await Promise.allSettled([running, queued]);
      const file = await handle?.catch(() => undefined);
      handle = undefined;
      await file?.close();
    },
  };
}
