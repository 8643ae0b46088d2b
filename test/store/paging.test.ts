import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attributePath, compare } from '../../src/core/filter/nodes.ts';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { ListQuery } from '../../src/store/store.ts';
import { user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

const N = 23;

for (const dialect of await testDialects()) {
  describe(`listing and paging on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    const created: string[] = [];
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      const noise = (await store.organizations.create({ name: 'Noise', slug: 'noise' })).id;
      await store.transaction(async (tx) => {
        for (let i = 0; i < N; i += 1) {
          // Names deliberately not in creation order, some sharing a display name, some without one.
          const displayName = i % 5 === 0 ? undefined : `Name ${(i * 7) % 4}`;
          const extra = { active: i % 3 !== 0, ...(displayName === undefined ? {} : { displayName }) };
          created.push((await tx.users.create(org, user(`u${String((i * 11) % N).padStart(2, '0')}@example.com`, extra))).id);
          await tx.users.create(noise, user(`noise${i}@example.com`));
        }
      });
    });
    after(() => dialect.close(store));

    async function walk(query: Omit<ListQuery, 'cursor'>): Promise<string[]> {
      const ids: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 100; pages += 1) {
        const page = await store.users.list(org, { ...query, cursor });
        ids.push(...page.resources.map((r) => r.id));
        if (page.nextCursor === undefined) return ids;
        cursor = page.nextCursor;
      }
      return assert.fail('cursor paging did not end');
    }

    it('lists by creation order (id) with totalResults from a count', async () => {
      const page = await store.users.list(org, { count: 5 });
      assert.equal(page.totalResults, N);
      assert.deepEqual(page.resources.map((r) => r.id), created.slice(0, 5));
      assert.equal(page.nextCursor, undefined, 'index paging returns no cursor');
    });

    it('pages with startIndex/count stably, covering every row once', async () => {
      const ids: string[] = [];
      for (let start = 1; start <= N; start += 4) {
        ids.push(...(await store.users.list(org, { startIndex: start, count: 4, sortBy: attributePath('displayName') })).resources.map((r) => r.id));
      }
      assert.equal(ids.length, N);
      assert.equal(new Set(ids).size, N);
    });

    it('visits every row exactly once with cursors, in the same order as one big page', async () => {
      for (const query of [
        { count: 4 },
        { count: 4, sortBy: attributePath('userName') },
        { count: 3, sortBy: attributePath('displayName'), sortOrder: 'descending' as const },
        { count: 5, sortBy: attributePath('active') },
      ]) {
        const walked = await walk(query);
        const whole = (await store.users.list(org, { ...query, count: 1000 })).resources.map((r) => r.id);
        assert.deepEqual(walked, whole, JSON.stringify(query));
        assert.equal(new Set(walked).size, N);
      }
    });

    it('sorts by userName ascending and descending, missing values last', async () => {
      const asc = (await store.users.list(org, { count: 1000, sortBy: attributePath('userName') })).resources.map((r) => r.userName);
      assert.deepEqual(asc, [...asc].sort());
      const byName = (await store.users.list(org, { count: 1000, sortBy: attributePath('displayName'), sortOrder: 'descending' })).resources;
      const names = byName.map((r) => r.displayName);
      const firstMissing = names.indexOf(null);
      assert.ok(firstMissing > 0 && names.slice(firstMissing).every((n) => n === null), 'users without displayName come last');
    });

    it('applies the compiled filter to the page and to totalResults', async () => {
      const filter = compare(attributePath('active'), 'eq', true);
      const expected = (await store.users.list(org, { count: 1000 })).resources.filter((r) => r.active).map((r) => r.id);
      const page = await store.users.list(org, { filter, count: 3 });
      assert.equal(page.totalResults, expected.length);
      assert.deepEqual(await walk({ filter, count: 3 }), expected);
    });

    it('answers count=0 with totalResults only, and can skip the count', async () => {
      assert.deepEqual(await store.users.list(org, { count: 0 }), { resources: [], totalResults: N });
      const page = await store.users.list(org, { count: 2, includeTotal: false });
      assert.equal(page.totalResults, undefined);
      assert.equal(page.resources.length, 2);
    });

    it('rejects a tampered cursor or one made for another sort with 400 invalidValue', async () => {
      const page = await store.users.list(org, { count: 2, cursor: '' });
      const check = (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === 'invalidValue' && /cursor/.test(e.detail);
      await assert.rejects(store.users.list(org, { count: 2, cursor: 'not-a-cursor' }), check);
      await assert.rejects(store.users.list(org, { count: 2, cursor: page.nextCursor ?? '', sortBy: attributePath('userName') }), check);
    });

    it('counts a cursor walk once: later pages carry the first page\'s totalResults, for that filter only', async () => {
      const counts: string[] = [];
      const counting = await dialect.open({ onQuery: (e) => (/count\(\*\)/i.test(e.sql) ? counts.push(e.sql) : undefined) }, true);
      try {
        const o = (await counting.organizations.create({ name: 'Walk', slug: 'walk' })).id;
        await counting.users.createMany(o, Array.from({ length: 9 }, (_, i) => user(`w${i}@example.com`, i % 2 === 0 ? { active: true } : { active: false })));
        const first = await counting.users.list(o, { count: 2, cursor: '' });
        assert.equal(first.totalResults, 9);
        assert.equal(counts.length, 1, 'the first page counts');
        // A user added during the walk does not change the walk's total (it was counted at the start).
        await counting.users.create(o, user('late@example.com', { active: false }));
        const second = await counting.users.list(o, { count: 2, cursor: first.nextCursor ?? '' });
        assert.equal(second.totalResults, 9);
        assert.equal(counts.length, 1, 'the second page reuses the count in its cursor');
        // The same cursor under another filter is counted afresh, never given the other filter's total.
        const active = await counting.users.list(o, { count: 2, cursor: first.nextCursor ?? '', filter: parseFilter('active eq true') });
        assert.equal(active.totalResults, 5);
        assert.equal(counts.length, 2);
      } finally {
        await dialect.close(counting);
      }
    });

    it('rejects an unsortable sortBy with 400 invalidValue', async () => {
      await assert.rejects(store.users.list(org, { count: 2, sortBy: attributePath('nope') }), (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === 'invalidValue');
    });
  });
}
