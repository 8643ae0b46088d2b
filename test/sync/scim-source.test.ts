/**
 * Another SCIM server as the source: one scimd organization mirrored into a second one, read by
 * cursor and by index paging; a deactivated source user is deactivated in the target, a deleted
 * one too, and group members follow through the links.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { jobOf, startScimd, stateStore, type ServedScimd } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

for (const paging of ['cursor', 'index'] as const) {
  describe(`sync: scimd → scimd (source read by ${paging})`, () => {
    let source: ServedScimd;
    let target: ServedScimd;
    let state: Awaited<ReturnType<typeof stateStore>>;
    const ids: string[] = [];
    const runner = () =>
      createSyncRunner(
        jobOf(
          {
            name: 'mirror',
            source: { type: 'scim', url: source.url, token: 'env:SOURCE', paging, pageSize: 2 },
            target: { url: target.url, token: 'env:TARGET' },
            users: {
              mappings: [
                { target: 'userName', expression: '[userName]', matching: 1 },
                { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
                { target: 'name.givenName', expression: '[name.givenName]' },
                { target: `${ENTERPRISE}:department`, expression: '[department]' },
                { target: 'externalId', expression: '[id]' },
              ],
            },
            groups: { source: { type: 'scim', url: source.url, token: 'env:SOURCE', paging }, mappings: [{ target: 'displayName', expression: '[displayName]', matching: 1 }] },
          },
          '/tmp',
          { SOURCE: source.token, TARGET: target.token },
        ),
        { state: state.store.syncState },
      );
    const targetUser = async (userName: string) => (await target.harness.call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).json.Resources[0];

    before(async () => {
      source = await startScimd();
      target = await startScimd();
      state = await stateStore();
      for (let i = 0; i < 5; i += 1) {
        const created = await source.harness.call('POST', '/Users', { body: { schemas: [USER, ENTERPRISE], userName: `p${i}@corp.example`, name: { givenName: `P${i}` }, [ENTERPRISE]: { department: 'R&D' } } });
        ids.push(created.json.id);
      }
      await source.harness.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Team', members: [{ value: ids[0] }, { value: ids[1] }] } });
    });
    after(async () => {
      await source.close();
      await target.close();
      await state.close();
    });

    it('mirrors users, their extension attributes and groups', async () => {
      const summary = await runner().cycle();
      assert.equal(summary.status, 'succeeded', summary.error);
      assert.equal(summary.created, 6);
      const p0 = await targetUser('p0@corp.example');
      assert.equal(p0.name.givenName, 'P0');
      assert.equal(p0[ENTERPRISE].department, 'R&D');
      assert.equal(p0.externalId, ids[0]);
      assert.equal((await runner().cycle()).requests, 0);
    });

    it('deactivates users deactivated or deleted in the source', async () => {
      await source.harness.call('PATCH', `/Users/${ids[2]}`, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] } });
      await source.harness.call('DELETE', `/Users/${ids[3]}`);
      const summary = await runner().cycle();
      assert.equal(summary.disabled, 2);
      assert.equal((await targetUser('p2@corp.example')).active, false);
      assert.equal((await targetUser('p3@corp.example')).active, false);
    });
  });
}
