/**
 * A seeded slice of the HTTP fuzzer (test/http/fuzz-requests.ts) on every database: no 5xx, every
 * error a SCIM error body. The long run (a million requests and more) is bench/fuzz.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHarness, testDialects, type Harness } from './harness.ts';
import { fuzzRequest, sendAndCheck, type FuzzTargets } from './fuzz-requests.ts';

const RUNS = Number(process.env['SCIMD_FUZZ_RUNS'] ?? 300);

for (const dialect of await testDialects()) {
  describe(`HTTP fuzzing on ${dialect.name}`, () => {
    let h: Harness;
    let targets: FuzzTargets;
    before(async () => {
      h = await createHarness({ dialect });
      const user = await h.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'fuzz@example.com' } });
      const group = await h.call('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Fuzz' } });
      targets = { userId: user.json.id, groupId: group.json.id };
    });
    after(() => h.close());

    it(`answers ${RUNS} generated requests without a 5xx and with SCIM error bodies`, async () => {
      await fc.assert(
        fc.asyncProperty(fuzzRequest(targets), async (request) => {
          const problem = await sendAndCheck(h, request);
          assert.equal(problem, undefined, problem);
        }),
        { numRuns: RUNS, seed: 20261203, endOnFailure: true },
      );
    });
  });
}
