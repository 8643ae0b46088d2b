/**
 * The `pg` driver, loaded on first use. A process on SQLite (the default) never opens a PostgreSQL
 * connection, so it need not pay for loading the driver at startup (about a tenth of the server's
 * start-up CPU). `pg` is CommonJS, so `require` loads it synchronously where a pool is created.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

let loaded: typeof pg | undefined;

/** The pg module (loaded once). */
export function pgModule(): typeof pg {
  loaded ??= createRequire(import.meta.url)('pg') as typeof pg;
  return loaded;
}
