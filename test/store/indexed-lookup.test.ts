/**
 * The listing shortcuts of the hot paths: `eq` on an indexed column (userName, externalId, id, a
 * group's displayName) runs as one precompiled statement, and `totalResults` comes from the page
 * itself when the page proves it. Both must answer exactly what the general filter compiler and
 * a COUNT would: the in-memory matcher is the oracle.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchFilter } from '../../src/core/filter/match.ts';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { QueryEvent } from '../../src/store/sql/options.ts';
import type { GroupRecord, UserRecord } from '../../src/store/records.ts';
import { asRead, group, user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

const USER_NAMES = ['Ada@Example.com', 'ada@example.COM.au', 'ÜNÏ@example.com', 'bob@example.com', 'Bob@Example.Org'];
const EXTERNAL_IDS = ['E-1', 'e-1', 'E-2', null, 'E-1 '];

for (const dialect of await testDialects()) {
  describe(`indexed lookups and page totals on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let log: QueryEvent[] = [];
    const users: UserRecord[] = [];
    const groups: GroupRecord[] = [];
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock, onQuery: (e) => log.push(e) });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      const noise = (await store.organizations.create({ name: 'Noise', slug: 'noise' })).id;
      for (const [i, name] of USER_NAMES.entries()) {
        const externalId = EXTERNAL_IDS[i];
        users.push(await store.users.create(org, user(name, externalId === null ? {} : { externalId })));
        await store.users.create(noise, user(name, { externalId: 'E-1' }));
      }
      for (const [i, name] of ['Sales', 'sales team', 'ÄRGER', 'Ops'].entries()) {
        groups.push(await store.groups.create(org, group(name, { externalId: i < 2 ? 'G-1' : `G-${i}` })));
        await store.groups.create(noise, group(name));
      }
    });
    after(() => dialect.close(store));

    const userFilters = [
      'userName eq "ada@example.com"',
      'userName eq "üNï@EXAMPLE.COM"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "BOB@example.com"',
      'userName eq "nobody@example.com"',
      'externalId eq "E-1"',
      'externalId eq "e-1"',
      'externalId eq "E-1 "',
      'externalId eq ""',
    ];
    for (const text of userFilters) {
      it(`lists exactly the users the matcher selects for ${text}, in id order, with their total`, async () => {
        const filter = parseFilter(text);
        const expected = users.filter((u) => matchFilter(filter, u.resource, userSchemas())).map((u) => u.id).sort();
        const page = await store.users.list(org, { filter, count: 100 });
        assert.deepEqual(page.resources.map((u) => u.id), expected);
        assert.equal(page.totalResults, expected.length);
      });
    }

    it('finds a user by id with one statement', async () => {
      const target = users[2] ?? assert.fail();
      log = [];
      const page = await store.users.list(org, { filter: parseFilter(`id eq "${target.id}"`), count: 100 });
      assert.deepEqual(page.resources, [asRead(dialect.name, target)]);
      assert.equal(log.length, 1, log.map((e) => e.sql).join('\n'));
    });

    for (const text of ['displayName eq "SALES"', 'displayName eq "ärger"', 'externalId eq "G-1"', 'displayName eq "none"']) {
      it(`lists exactly the groups the matcher selects for ${text}`, async () => {
        const filter = parseFilter(text);
        const expected = groups.filter((g) => matchFilter(filter, g.resource, groupSchemas())).map((g) => g.id).sort();
        const page = await store.groups.list(org, { filter, count: 100 });
        assert.deepEqual(page.resources.map((g) => g.id), expected);
        assert.equal(page.totalResults, expected.length);
      });
    }

    it('answers an Entra userName lookup with one SELECT and no COUNT', async () => {
      log = [];
      const page = await store.users.list(org, { filter: parseFilter('userName eq "ADA@example.com"'), count: 100 });
      assert.equal(page.totalResults, 1);
      assert.deepEqual(log.map((e) => /^select count/i.test(e.sql)), [false]);
    });

    it('counts when a page of a lookup is full or lies beyond the end', async () => {
      const filter = parseFilter('externalId eq "E-1"');
      assert.deepEqual(await store.users.list(org, { filter, count: 1 }).then((p) => [p.resources.length, p.totalResults]), [1, 1]);
      const twice = parseFilter('externalId eq "G-1"');
      const full = await store.groups.list(org, { filter: twice, count: 1 });
      assert.deepEqual([full.resources.length, full.totalResults], [1, 2]);
      const beyond = await store.groups.list(org, { filter: twice, count: 10, startIndex: 5 });
      assert.deepEqual([beyond.resources.length, beyond.totalResults], [0, 2]);
      const last = await store.groups.list(org, { filter: twice, count: 10, startIndex: 2 });
      assert.deepEqual([last.resources.length, last.totalResults], [1, 2]);
    });

    it('takes totalResults from a short page of any listing, and counts otherwise', async () => {
      const all = USER_NAMES.length;
      const cases: [number, number, number][] = [[1, 100, all], [1, 2, 2], [4, 2, 2], [5, 10, 1], [9, 10, 0], [1, 0, 0]];
      for (const [startIndex, count, shown] of cases) {
        const page = await store.users.list(org, { count, startIndex });
        assert.deepEqual([page.resources.length, page.totalResults], [shown, all], `startIndex ${startIndex}, count ${count}`);
      }
      const first = await store.users.list(org, { count: 100, cursor: '' });
      assert.deepEqual([first.resources.length, first.totalResults, first.nextCursor], [all, all, undefined]);
      const partial = await store.users.list(org, { count: 2, cursor: '' });
      const next = await store.users.list(org, { count: 100, cursor: partial.nextCursor ?? assert.fail() });
      assert.deepEqual([next.resources.length, next.totalResults], [all - 2, all], 'a later cursor page still counts');
    });
  });
}
