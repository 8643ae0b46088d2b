/**
 * A short, seeded crash run on each database (the long one: bench/crash.ts, docs/reliability.md):
 * three SIGKILLs of `scimd serve` under concurrent writes, then nothing acknowledged is lost,
 * nothing unasked-for appears, and SQLite's integrity check passes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/harness.ts';
import { crashRun } from './crash.ts';

for (const dialect of await testDialects()) {
  describe(`crash recovery on ${dialect.name}`, () => {
    it('keeps every acknowledged write and invents none across three kills -9', async () => {
      const report = await crashRun({ db: dialect.name, kills: 3, seed: 14, writers: 6, windowMs: [300, 900] });
      assert.deepEqual(report.lost, []);
      assert.deepEqual(report.phantom, []);
      assert.ok(report.acknowledged > 0, 'the writers got answers before the kills');
      if (dialect.name === 'sqlite') assert.equal(report.integrity, 'ok');
    });
  });
}
