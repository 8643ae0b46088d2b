/**
 * End to end: an OpenLDAP directory (a real slapd started by the test) → a scimd organization
 * over HTTP. Paged reads, incremental cycles by modifyTimestamp, deletions found by comparing
 * keys, a disabled flag, and groupOfNames members (DNs) resolved to the linked users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Change, Attribute } from 'ldapts';
import type { ObjectOutcome } from '../../src/sync/outcome.ts';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { jobOf, startScimd, stateStore, type ServedScimd } from './harness.ts';
import { ROOT_DN, ROOT_PASSWORD, slapdSkipReason, startSlapd, SUFFIX, type Slapd } from './slapd.ts';

const skip = slapdSkipReason();

describe('sync: LDAP (slapd) → scimd over HTTP', { skip }, () => {
  let ldap: Slapd;
  let scimd: ServedScimd;
  let state: Awaited<ReturnType<typeof stateStore>>;
  const person = (uid: string, given: string, sn: string, title: string) => ({
    objectClass: ['inetOrgPerson'],
    uid,
    cn: `${given} ${sn}`,
    givenName: given,
    sn,
    title,
    mail: `${uid}@corp.example`,
  });
  const dn = (uid: string) => `uid=${uid},ou=people,${SUFFIX}`;
  const runner = () =>
    createSyncRunner(
      jobOf(
        {
          name: 'ldap-job',
          source: { type: 'ldap', url: ldap.url, bindDN: ROOT_DN, password: 'env:LDAP_PASSWORD', baseDN: `ou=people,${SUFFIX}`, filter: '(objectClass=inetOrgPerson)', key: 'uid', pageSize: 2, softDeleted: { attribute: 'employeeType', values: ['disabled'] } },
          target: { url: scimd.url, token: 'env:TOKEN' },
          users: {
            mappings: [
              { target: 'userName', expression: '[mail]', matching: 1 },
              { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
              { target: 'displayName', expression: 'Join(" ", [givenName], [sn])' },
              { target: 'name.familyName', expression: '[sn]' },
              { target: 'title', expression: '[title]' },
              { target: 'externalId', expression: '[uid]' },
            ],
          },
          groups: {
            source: { type: 'ldap', url: ldap.url, bindDN: ROOT_DN, password: 'env:LDAP_PASSWORD', baseDN: `ou=groups,${SUFFIX}`, filter: '(objectClass=groupOfNames)', key: 'cn', members: 'member' },
            mappings: [{ target: 'displayName', expression: '[cn]', matching: 1 }],
          },
        },
        '/tmp',
        { LDAP_PASSWORD: ROOT_PASSWORD, TOKEN: scimd.token },
      ),
      { state: state.store.syncState },
    );
  const user = async (uid: string) => (await scimd.harness.call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${uid}@corp.example"`)}`)).json.Resources[0];
  const membersOf = async (name: string) => {
    const group = (await scimd.harness.call('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).json.Resources[0];
    const full = (await scimd.harness.call('GET', `/Groups/${group.id}`)).json;
    return ((full.members ?? []) as { value: string }[]).map((m) => m.value).sort();
  };
  const modify = async (target: string, changes: Change[]) => {
    const client = await ldap.admin();
    await client.modify(target, changes);
    await client.unbind();
  };

  before(async () => {
    ldap = await startSlapd();
    scimd = await startScimd();
    state = await stateStore();
    const client = await ldap.admin();
    await client.add(dn('alice'), person('alice', 'Alice', 'Archer', 'Engineer'));
    await client.add(dn('bob'), person('bob', 'Bob', 'Baker', 'Sales'));
    await client.add(dn('carol'), person('carol', 'Carol', 'Cole', 'Ops'));
    await client.add(`cn=engineering,ou=groups,${SUFFIX}`, { objectClass: 'groupOfNames', cn: 'engineering', member: [dn('alice'), dn('bob')] });
    await client.unbind();
  });
  after(async () => {
    await scimd?.close();
    await state?.close();
    await ldap?.stop();
  });

  it('reads the directory by pages and creates users, then the group with its members', async () => {
    const summary = await runner().cycle();
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.equal(summary.created, 4);
    assert.equal((await user('alice')).displayName, 'Alice Archer');
    assert.deepEqual(await membersOf('engineering'), [(await user('alice')).id, (await user('bob')).id].sort());
  });

  it('sends nothing on an incremental cycle without changes', async () => {
    const summary = await runner().cycle();
    assert.equal(summary.kind, 'incremental');
    assert.equal(summary.requests, 0);
  });

  it('picks up a modified entry by modifyTimestamp and sends only the change', async () => {
    await modify(dn('bob'), [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Sales Director'] }) })]);
    const outcomes: ObjectOutcome[] = [];
    const summary = await runner().cycle({ onOutcome: (o) => outcomes.push(o) });
    assert.equal(summary.updated, 1);
    assert.equal(summary.requests, 1);
    assert.deepEqual(outcomes.find((o) => o.action === 'update')?.changed, ['title']);
    assert.equal((await user('bob')).title, 'Sales Director');
  });

  it('deactivates a disabled entry and a deleted one; follows member changes', async () => {
    await modify(dn('bob'), [new Change({ operation: 'add', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) })]);
    await modify(`cn=engineering,ou=groups,${SUFFIX}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'member', values: [dn('alice'), dn('carol')] }) })]);
    const client = await ldap.admin();
    const carolId = (await user('carol')).id;
    await client.del(dn('carol'));
    await client.unbind();
    const outcomes: ObjectOutcome[] = [];
    const summary = await runner().cycle({ onOutcome: (o) => outcomes.push(o) });
    assert.equal(summary.disabled, 2, JSON.stringify(outcomes));
    assert.equal((await user('bob')).active, false);
    assert.equal((await user('carol')).active, false);
    assert.equal(outcomes.find((o) => o.sourceKey === 'carol')?.reason, 'removed from the source');
    // carol's DN no longer resolves: she is left out of the group, bob is removed from it.
    assert.deepEqual(await membersOf('engineering'), [(await user('alice')).id]);
    assert.notEqual(carolId, undefined);
  });
});
