/**
 * The long crash run (docs/reliability.md): SIGKILLs `scimd serve` under concurrent writes many
 * times on SQLite and/or PostgreSQL and checks the acknowledged-write ledger after every restart.
 *
 *   node --import tsx bench/crash.ts --db both --kills 25 --seed 1 [--writers 8 --window-min 200 --window-max 1500]
 */
import { parseArgs } from 'node:util';
import { crashRun } from '../test/e2e/crash.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    kills: { type: 'string', default: '25' },
    seed: { type: 'string', default: '1' },
    writers: { type: 'string', default: '8' },
    'window-min': { type: 'string', default: '200' },
    'window-max': { type: 'string', default: '1500' },
  },
});
const kinds = values.db === 'both' ? (['sqlite', 'postgres'] as const) : ([values.db as 'sqlite' | 'postgres'] as const);
let failed = false;
for (const db of kinds) {
  const started = Date.now();
  const report = await crashRun({
    db,
    kills: Number(values.kills),
    seed: Number(values.seed),
    writers: Number(values.writers),
    windowMs: [Number(values['window-min']), Number(values['window-max'])],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const summary = { ...report, lost: report.lost.length, phantom: report.phantom.length, seconds: Math.round((Date.now() - started) / 1000) };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const line of [...report.lost, ...report.phantom]) process.stdout.write(`  ${line}\n`);
  if (report.lost.length > 0 || report.phantom.length > 0 || (db === 'sqlite' && report.integrity !== 'ok')) failed = true;
}
process.exit(failed ? 1 : 0);
