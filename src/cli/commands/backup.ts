/**
 * `scimd backup --out <file>`: an online copy of the SQLite database (SQLite's backup API through
 * better-sqlite3, consistent while `scimd serve` keeps writing), checked with `integrity_check`
 * before it is reported. PostgreSQL databases are backed up with `pg_dump`; for them the command
 * prints that command and exits 2 (docs/reliability.md, Backup and restore).
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { openSqliteDatabase } from '../../store/sqlite/store.ts';
import type { CliIo } from '../io.ts';
import { DATABASE_OPTIONS, configFromFlags } from './options.ts';

/** The connection string without its password, for a command line shown on screen. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '';
    return parsed.toString();
  } catch {
    return '<DATABASE_URL>';
  }
}

/** Runs `scimd backup --out <file> [--database-url --data-dir]`; returns the exit code. */
export async function backupCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { ...DATABASE_OPTIONS, out: { type: 'string' } }, strict: true, allowPositionals: false });
  const config = configFromFlags(values);
  if (config.database.kind === 'postgres') {
    io.err('scimd backup copies the embedded SQLite database; back up PostgreSQL with pg_dump, for example:');
    io.err(`  pg_dump --format=custom --file ${values.out ?? 'scimd.dump'} '${withoutPassword(config.database.url)}'`);
    io.err('and restore with: pg_restore --clean --if-exists --dbname <url> <file>');
    return 2;
  }
  const out = values.out;
  if (out === undefined || out === '') {
    io.err('scimd backup: --out <file> is required');
    return 2;
  }
  if (existsSync(out)) {
    io.err(`scimd backup: ${out} already exists; choose a new file`);
    return 1;
  }
  const path = config.database.path;
  if (path === ':memory:' || !existsSync(path)) {
    io.err(`scimd backup: no SQLite database at ${path}`);
    return 1;
  }
  const source = openSqliteDatabase(path);
  try {
    await source.backup(out);
  } finally {
    source.close();
  }
  const copy = new Database(out, { readonly: true });
  let integrity: unknown;
  try {
    integrity = copy.pragma('integrity_check', { simple: true });
  } finally {
    copy.close();
  }
  if (integrity !== 'ok') {
    io.err(`scimd backup: the copy at ${out} failed its integrity check: ${String(integrity)}`);
    return 1;
  }
  io.out(`Backed up ${path} to ${out} (${statSync(out).size} bytes, integrity ok)`);
  return 0;
}
