/** `scimd migrate`: applies pending migrations and prints one line per migration (kysely Migrator results). */
import { parseArgs } from 'node:util';
import { createStore } from '../../store/create-store.ts';
import { storeConfigOf } from '../../config.ts';
import { appliedMigrations, migrateToLatest } from '../../store/migrations/migrate.ts';
import type { CliIo } from '../io.ts';
import { DATABASE_OPTIONS, configFromFlags } from './options.ts';

/** Runs `scimd migrate [--database-url --data-dir]`; returns the exit code. */
export async function migrateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: DATABASE_OPTIONS, strict: true, allowPositionals: false });
  const config = configFromFlags(values);
  const store = createStore(storeConfigOf(config));
  try {
    const report = await migrateToLatest(store);
    for (const result of report.results) io.out(`${result.name}: ${result.status}`);
    if (report.error !== undefined) {
      const reason = report.error instanceof Error ? report.error.message : String(report.error);
      const failed = report.results.find((r) => r.status === 'Error')?.name;
      io.err(failed === undefined ? `scimd: cannot open the ${config.database.kind} database: ${reason}` : `scimd: migration ${failed} failed: ${reason}`);
      return 1;
    }
    if (report.results.length === 0) {
      io.out(`Database is up to date (${(await appliedMigrations(store)).length} migrations applied)`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
