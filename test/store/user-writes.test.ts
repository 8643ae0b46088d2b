/**
 * A replace writes only what changed: the UPDATE sets the columns whose values differ (so indexes
 * over unchanged columns are not rewritten) and the value rows are rewritten only when a
 * multi-valued attribute changed. Every indexed value must still be findable afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { QueryEvent } from '../../src/store/sql/options.ts';
import { asRead, user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

const setColumns = (sql: string): string[] =>
  [...(/ set (.*) where /.exec(sql)?.[1] ?? '').matchAll(/"(\w+)" = /g)].map((m) => m[1] ?? '');

for (const dialect of await testDialects()) {
  describe(`user rewrites on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let log: QueryEvent[] = [];
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock, onQuery: (e) => log.push(e) });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
    });
    after(() => dialect.close(store));

    it('sets only the changed columns and leaves the value rows alone when no multi-valued attribute changed', async () => {
      const created = await store.users.create(org, user('only@example.com', { displayName: 'Before', externalId: 'x-1' }));
      log = [];
      const result = await store.users.replace(org, created.id, user('only@example.com', { displayName: 'After', externalId: 'x-1' }));
      assert.equal(result.status, 'ok');
      const update = log.find((e) => /^update "users"/.test(e.sql)) ?? assert.fail('no UPDATE');
      assert.deepEqual(setColumns(update.sql), ['display_name', 'display_name_lc', 'updated_at', 'version', 'resource']);
      assert.equal(log.filter((e) => /user_values/.test(e.sql)).length, 0);
      assert.deepEqual(await store.users.get(org, created.id), result.status === 'ok' ? asRead(dialect.name, result.record) : undefined);
    });

    it('does not read the user again when handed the record get returned, and still refuses a stale one', async () => {
      const created = await store.users.create(org, user('reuse@example.com', { displayName: 'One' }));
      await store.transaction(async (tx) => {
        const current = await tx.users.get(org, created.id);
        assert.ok(current);
        log = [];
        const result = await tx.users.replace(org, created.id, user('reuse@example.com', { displayName: 'Two' }), { expectedVersion: 1, current });
        assert.equal(result.status, 'ok');
        assert.deepEqual(log.filter((e) => /^select/.test(e.sql)).map((e) => e.sql), []);
        // The same record again: its version is no longer the stored one.
        const stale = await tx.users.replace(org, created.id, user('reuse@example.com', { displayName: 'Three' }), { current });
        assert.deepEqual(stale, { status: 'conflict', currentVersion: 2 });
        await tx.users.delete(org, created.id);
        assert.deepEqual(await tx.users.replace(org, created.id, user('reuse@example.com'), { current }), { status: 'notFound' });
      });
    });

    it('rewrites a user read FOR UPDATE without a conflict check, fails the transaction when that record is stale, and checks a new userName at once', async () => {
      const created = await store.users.create(org, user('locked@example.com', { displayName: 'One' }));
      await store.users.create(org, user('taken@example.com'));
      const rewritten = await store.transaction(async (tx) => {
        const current = await tx.users.get(org, created.id, { forUpdate: true });
        // The same folded userName: on PostgreSQL this UPDATE travels with the COMMIT.
        return tx.users.replace(org, created.id, user('LOCKED@example.com', { displayName: 'Two' }), { current });
      });
      assert.equal(rewritten.status, 'ok');
      const stored = await store.users.get(org, created.id);
      assert.deepEqual([stored?.version, stored?.displayName, stored?.userName], [2, 'Two', 'LOCKED@example.com']);
      // A record that no longer matches the row must not lose the rewrite silently.
      await assert.rejects(
        store.transaction(async (tx) => {
          const current = await tx.users.get(org, created.id, { forUpdate: true });
          await tx.users.replace(org, created.id, user('locked@example.com', { displayName: 'Three' }), { current });
          await tx.users.replace(org, created.id, user('locked@example.com', { displayName: 'Four' }), { current });
          await tx.users.get(org, created.id);
        }),
      );
      const unchanged = await store.users.get(org, created.id);
      assert.deepEqual([unchanged?.version, unchanged?.displayName], [2, 'Two'], 'the failed transaction changed nothing');
      // A new userName can hit the unique index: checked on the spot and answered with 409.
      await assert.rejects(
        store.transaction(async (tx) => {
          const current = await tx.users.get(org, created.id, { forUpdate: true });
          await tx.users.replace(org, created.id, user('Taken@example.com'), { current });
        }),
        (e: unknown) => e instanceof ScimError && e.status === 409 && e.scimType === 'uniqueness',
      );
    });

    it('hands out the JSON text of a written resource, and of a read one where the dialect stores JSON as text', async () => {
      const created = await store.users.create(org, user('text@example.com', { displayName: 'Zoë "Z"' }));
      const replaced = await store.users.replace(org, created.id, user('text@example.com', { displayName: 'Ünï ☃' }));
      assert.equal(replaced.status, 'ok');
      const read = await store.users.get(org, created.id);
      const listed = (await store.users.list(org, { filter: parseFilter('userName eq "text@example.com"'), count: 1 })).resources[0];
      for (const record of [created, replaced.status === 'ok' ? replaced.record : undefined]) {
        assert.ok(record);
        assert.equal(record.resourceJson, JSON.stringify(record.resource));
      }
      for (const record of [read, listed]) {
        assert.ok(record);
        assert.equal(record.resourceJson, dialect.name === 'sqlite' ? JSON.stringify(record.resource) : undefined);
      }
    });

    it('rewrites every changed indexed column and the value rows, so filters find the new values', async () => {
      const created = await store.users.create(org, user('old@example.com', { externalId: 'old-ext', userType: 'Employee', displayName: 'Old' }));
      log = [];
      const next = user('New@Example.com', {
        externalId: 'new-ext',
        userType: 'Contractor',
        displayName: 'New',
        active: false,
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@new.example.com', type: 'work', primary: true }],
      });
      assert.equal((await store.users.replace(org, created.id, next)).status, 'ok');
      const update = log.find((e) => /^update "users"/.test(e.sql)) ?? assert.fail('no UPDATE');
      assert.deepEqual(setColumns(update.sql).sort(), [
        'active', 'display_name', 'display_name_lc', 'external_id', 'family_name', 'given_name', 'primary_email_lc', 'resource',
        'updated_at', 'user_name', 'user_name_lc', 'user_type', 'version',
      ]);
      const filters = [
        'userName eq "new@example.com"', 'externalId eq "new-ext"', 'userType eq "Contractor"', 'displayName eq "new"', 'active eq false',
        'name.givenName eq "Ada"', 'name.familyName eq "Lovelace"', 'emails.value eq "ada@new.example.com"', 'emails[primary eq true].value eq "ADA@new.example.com"',
      ];
      for (const text of filters) {
        const page = await store.users.list(org, { filter: parseFilter(text), count: 10 });
        assert.deepEqual(page.resources.map((u) => u.id), [created.id], text);
      }
      for (const text of ['userName eq "old@example.com"', 'externalId eq "old-ext"', 'emails.value eq "old@example.com"']) {
        assert.equal((await store.users.list(org, { filter: parseFilter(text), count: 10 })).totalResults, 0, text);
      }
    });
  });
}
