/**
 * Vacuuming when the server does not (docs/reliability.md, PostgreSQL maintenance). Every SCIM
 * PATCH rewrites a `users` row and, because `updated_at` is indexed, adds an entry to each of its
 * indexes (no HOT update): the old row versions and index entries stay until a VACUUM. With
 * autovacuum on, PostgreSQL does that itself and this does nothing; with `autovacuum = off`
 * (seen on hosted and test servers) lookups slow down by the minute, so the store vacuums the
 * tables scimd updates or deletes from itself, at most once per interval, skipping locked tables.
 */
import type pg from 'pg';

/** The tables whose rows scimd updates or deletes (append-only tables need no VACUUM to stay fast). */
export const REWRITTEN_TABLES = [
  'users',
  'user_values',
  'groups',
  'memberships',
  'api_keys',
  'organizations',
  'scim_activity',
  'jobs',
  'operator_sessions',
  'setup_links',
  'outbox_events',
] as const;

export interface VacuumerOptions {
  readonly pool: pg.Pool;
  /** Milliseconds between checks (0 disables). */
  readonly intervalMs: number;
  /** Called after each VACUUM run, or with the error when one failed (the next run retries). */
  readonly onRun?: (outcome: { readonly tables: number; readonly ms: number } | { readonly error: unknown }) => void;
}

/** Whether the server's autovacuum launcher is running (`autovacuum` and `track_counts` on). */
export async function autovacuumIsOn(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ on: boolean }>(
    "select current_setting('autovacuum') = 'on' and current_setting('track_counts') = 'on' as on",
  );
  return rows[0]?.on === true;
}

/** Runs one VACUUM (ANALYZE) of the rewritten tables when autovacuum is off; returns whether it ran. */
export async function vacuumIfNeeded(pool: pg.Pool): Promise<boolean> {
  if (await autovacuumIsOn(pool)) return false;
  // VACUUM cannot run in a transaction block: one plain statement on a pooled connection.
  await pool.query(`vacuum (analyze, skip_locked) ${REWRITTEN_TABLES.join(', ')}`);
  return true;
}

/** Starts the periodic check; the returned function stops it and waits for a run in progress. */
export function startVacuumer(options: VacuumerOptions): () => Promise<void> {
  if (options.intervalMs <= 0) return async () => undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    const started = Date.now();
    running = vacuumIfNeeded(options.pool)
      .then((ran) => {
        if (ran) options.onRun?.({ tables: REWRITTEN_TABLES.length, ms: Date.now() - started });
      })
      .catch((error: unknown) => options.onRun?.({ error }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
