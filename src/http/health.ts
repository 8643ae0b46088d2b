/**
 * Operational endpoints, outside the Tenant URL and without authentication: `/healthz` (the
 * process runs), `/readyz` (the database answers) and `/metrics` (Prometheus text). Keep them off
 * the public internet at the load balancer if the metrics should stay private.
 */
import type { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import type { MetricsRegistry } from './metrics.ts';
import { requestLog } from './observe.ts';

export interface HealthDeps {
  /** The store's cheap round trip (`store.ping`). */
  readonly ping: () => Promise<void>;
  readonly registry: MetricsRegistry;
  /** How long `/readyz` waits for the database before answering 503. */
  readonly readyTimeoutMs?: number;
}

const noStore = { 'Cache-Control': 'no-store' };

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Registers `/healthz`, `/readyz` and `/metrics`. */
export function registerHealthRoutes(app: Hono<AppEnv>, deps: HealthDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, noStore));
  app.get('/readyz', async (c) => {
    try {
      await withTimeout(deps.ping(), deps.readyTimeoutMs ?? 2000);
      return c.json({ status: 'ok', database: 'ok' }, 200, noStore);
    } catch (error) {
      requestLog(c).warn({ err: error }, 'readiness check failed: the database did not answer');
      return c.json({ status: 'unavailable', database: 'unreachable' }, 503, noStore);
    }
  });
  app.get('/metrics', (c) =>
    c.body(deps.registry.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', ...noStore }),
  );
}
