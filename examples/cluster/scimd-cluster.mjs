#!/usr/bin/env node
/**
 * Runs several `scimd serve` processes on one port with node:cluster: the primary accepts the
 * connections and hands them to the workers in turn (round-robin), restarts a worker that dies, and
 * on SIGTERM/SIGINT stops every worker gracefully (each finishes its requests and flushes).
 *
 *   SCIMD_INSTANCES=4 DATABASE_URL=postgres://… PORT=8080 node examples/cluster/scimd-cluster.mjs [serve flags]
 *
 * Use it with PostgreSQL (SQLite allows one writer process). Run `scimd migrate` once before
 * starting, so the instances do not race for the first migration. With REDIS_URL set, the per-key
 * rate limit is one limit for all instances; without it each instance limits on its own.
 * SCIMD_BIN overrides the scimd entry point (default: this repository's bin/scimd.js).
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const instances = Number(process.env.SCIMD_INSTANCES ?? availableParallelism());
if (!Number.isInteger(instances) || instances < 1) {
  console.error(`SCIMD_INSTANCES must be a whole number ≥ 1 (got ${process.env.SCIMD_INSTANCES})`);
  process.exit(2);
}
const exec = process.env.SCIMD_BIN ?? fileURLToPath(new URL('../../bin/scimd.js', import.meta.url));
cluster.setupPrimary({ exec, args: ['serve', ...process.argv.slice(2)] });

let stopping = false;
for (let i = 0; i < instances; i += 1) cluster.fork();
cluster.on('exit', (worker, code, signal) => {
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    return;
  }
  console.error(`scimd-cluster: instance ${worker.process.pid} exited (${signal ?? code}); starting another`);
  setTimeout(() => cluster.fork(), 1000).unref();
});
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) {
    // SIGTERM runs scimd's graceful shutdown; disconnecting the IPC channel lets the worker exit once it is done.
    worker?.process.kill('SIGTERM');
    worker?.disconnect();
  }
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
