/**
 * WAL checkpoints off the event loop. In WAL mode a COMMIT appends frames to the WAL (and, with
 * `synchronous = FULL`, fsyncs it); the expensive part is the checkpoint that copies them into the
 * database file and fsyncs both, which SQLite runs inside whichever COMMIT crosses
 * `wal_autocheckpoint` — blocking the event loop for milliseconds on every few hundred writes.
 * Here a worker thread with its own connection runs PASSIVE checkpoints on a timer (they never
 * block readers or the writer), and the main connection keeps a far larger autocheckpoint only
 * as a safety net should the worker fall behind. Durability is unchanged: it is decided by the
 * commit's own fsync (or its absence), not by when the checkpoint runs.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One checkpoint as SQLite reports it. */
export interface CheckpointReport {
  /** Frames in the WAL when the checkpoint ran. */
  readonly walFrames: number;
  /** Frames copied into the database file. */
  readonly checkpointed: number;
}

export interface CheckpointerOptions {
  /** Milliseconds between checkpoints (default 250). */
  readonly intervalMs?: number;
  /** Milliseconds the worker's connection waits for a lock (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Called after each checkpoint that found frames to copy. */
  readonly onCheckpoint?: (report: CheckpointReport) => void;
  /** Called when a checkpoint fails (the next one is tried at the next interval). */
  readonly onError?: (error: Error) => void;
}

export interface Checkpointer {
  /** Stops the timer and closes the worker's connection. */
  stop(): Promise<void>;
}

/** The main connection's autocheckpoint while a checkpointer runs: 10,000 pages (~40 MB of WAL). */
export const SAFETY_AUTOCHECKPOINT_PAGES = 10_000;

// Plain JavaScript, evaluated in the worker: the project's TypeScript loader is not needed there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('cache_size = 64');
const run = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    if (row && row.log > 0) parentPort.postMessage({ kind: 'checkpoint', walFrames: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ kind: 'error', message: String(error && error.message || error) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts the checkpoint worker for the WAL database at `path` (see the module comment). */
export function startCheckpointer(path: string, options: CheckpointerOptions = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const workerData = { driver, path, intervalMs: options.intervalMs ?? 250, busyTimeoutMs: options.busyTimeoutMs ?? 5000 };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
  // The timer must not keep a process alive that has nothing else to do.
  worker.unref();
  worker.on('message', (message: { kind: string; walFrames?: number; checkpointed?: number; message?: string }) => {
    if (message.kind === 'checkpoint') options.onCheckpoint?.({ walFrames: message.walFrames ?? 0, checkpointed: message.checkpointed ?? 0 });
    else options.onError?.(new Error(`WAL checkpoint failed: ${message.message ?? 'unknown error'}`));
  });
  worker.on('error', (error) => options.onError?.(error));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Keep this process alive until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
