/**
 * Per-step detail on provisioning-log entries: every entry a cycle writes carries the steps the
 * object went through (Import → Determine if in scope → Match → Perform action), stored with the
 * entry and read back on SQLite and PostgreSQL alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { SyncLogEntry } from '../../src/store/sync-state.ts';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { testDialects } from '../store/harness.ts';
import { jobOf, serve, startScimd, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

const HEADER = 'id,mail,givenName,surname,jobTitle,department\n';
const names = (entry: SyncLogEntry | undefined) => entry?.steps.map((s) => `${s.name}: ${s.status}`);

for (const dialect of await testDialects()) {
  describe(`sync: steps of provisioning-log entries (${dialect.name})`, () => {
    let scimd: ServedScimd;
    let store: SqlStore;
    let files: Awaited<ReturnType<typeof tempDir>>;
    let proxy: Awaited<ReturnType<typeof serve>>;
    before(async () => {
      scimd = await startScimd();
      // The target, except that a lookup of broken@corp.example answers 500.
      proxy = await serve((request) =>
        decodeURIComponent(request.url).includes('broken@')
          ? Response.json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500', detail: 'lookup exploded' }, { status: 500 })
          : scimd.harness.app.fetch(request, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }),
      );
      store = await dialect.open();
      files = await tempDir();
    });
    after(async () => {
      await dialect.close(store);
      await proxy.close();
      await scimd.close();
      await files.remove();
    });

    const cycle = async () => {
      const config = {
        name: `steps-${dialect.name}`,
        source: { type: 'csv', path: 'users.csv', key: 'id' },
        target: { url: `http://127.0.0.1:${proxy.port}/scim/v2`, token: scimd.token, retries: 0 },
        users: { mappings: USER_MAPPINGS, scope: [[{ attribute: 'department', operator: 'NOT EQUALS', value: 'External' }]] },
      };
      const runner = createSyncRunner(jobOf(config, files.dir), { state: store.syncState, logs: store.syncLogs });
      try {
        const summary = await runner.cycle();
        return (await store.syncLogs.query({ job: config.name, runId: summary.runId, limit: 100 })).slice().sort((a, b) => a.sourceKey.localeCompare(b.sourceKey));
      } finally {
        await runner.close();
      }
    };

    it('stores Import, Scope, Match and Action for every entry of a cycle, failures stopping at the failed step', async () => {
      // 1 is created, 2 is out of scope, 3 has no userName (no value for the matching attribute), 5's lookup fails.
      await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Arc,Engineer,R&D\n2,ben@corp.example,Ben,Bay,,External\n3,,Cy,Col,,Ops\n5,broken@corp.example,Bo,Ken,,Ops\n`);
      const [created, outOfScope, failed, lookupFailed] = await cycle();
      assert.deepEqual(names(created), ['Import user: success', 'Determine if in scope: success', 'Match user between source and target: success', 'Perform action: success']);
      assert.equal(created?.steps[2]?.description, 'No target object matched');
      assert.deepEqual(created?.steps[3]?.details, { action: 'Create', targetId: created?.targetId, changed: ['userName', 'active', 'displayName', 'name.givenName', 'name.familyName', 'emails[type eq "work"].value', 'title', 'externalId'] });
      assert.deepEqual(names(outOfScope), ['Import user: success', 'Determine if in scope: skipped', 'Perform action: skipped']);
      assert.match(outOfScope?.steps[1]?.description ?? '', /^Out of scope/);
      assert.deepEqual(names(failed), ['Import user: success', 'Determine if in scope: success', 'Match user between source and target: failure']);
      assert.match(failed?.steps[2]?.description ?? '', /No value for any matching attribute \(userName\)/);
      assert.deepEqual(names(lookupFailed), ['Import user: success', 'Determine if in scope: success', 'Match user between source and target: failure']);
      assert.match(lookupFailed?.steps[2]?.description ?? '', /^The lookup by userName failed: .*500.*lookup exploded/);
      assert.deepEqual([lookupFailed?.status, lookupFailed?.errorCode], ['Failure', 'SCIM_500']);
    });

    it('shows the link of an earlier cycle on updates, and the source removal on disables', async () => {
      // 1 changes its title; 3 is fixed and is now created; 2 is still out of scope (unchanged, no entry); 4 is matched.
      await scimd.harness.app.request('/scim/v2/Users', {
        method: 'POST',
        headers: { authorization: `Bearer ${scimd.token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'dan@corp.example' }),
      });
      await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Arc,Architect,R&D\n2,ben@corp.example,Ben,Bay,,External\n3,cy@corp.example,Cy,Col,,Ops\n4,dan@corp.example,Dan,Day,,Ops\n`);
      const entries = await cycle();
      const updated = entries.find((e) => e.sourceKey === '1');
      assert.deepEqual(names(updated), ['Import user: success', 'Determine if in scope: success', 'Match user between source and target: success', 'Perform action: success']);
      assert.match(updated?.steps[2]?.description ?? '', /^Linked to target object .+ by an earlier cycle \(state active\)$/);
      assert.deepEqual(updated?.steps[3]?.details, { action: 'Update', targetId: updated?.targetId, changed: ['title'] });
      const matched = entries.find((e) => e.sourceKey === '4');
      assert.match(matched?.steps[2]?.description ?? '', /^Matched target object .+ by userName = "dan@corp.example"$/);
      assert.equal(matched?.steps[3]?.details['action'], 'Link');

      await files.write('users.csv', `${HEADER}3,cy@corp.example,Cy,Col,,Ops\n4,dan@corp.example,Dan,Day,,Ops\n`);
      const removed = (await cycle()).find((e) => e.sourceKey === '1');
      assert.equal(removed?.action, 'Disable');
      assert.deepEqual(names(removed), ['Import user: skipped', 'Match user between source and target: success', 'Perform action: success']);
      assert.equal(removed?.steps[0]?.description, 'Source object 1 is no longer in the source');
    });
  });
}
