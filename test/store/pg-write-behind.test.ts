/**
 * PostgreSQL's write-behind (src/store/postgres/write-behind.ts) over a real database: how many
 * round trips a SCIM create and PATCH cost, and that holding the appends back changes nothing a
 * caller can see — atomicity, read-your-writes, rollback, event numbers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import { parsePatchRequest } from '../../src/core/messages/patch-request.ts';
import { parseListQuery } from '../../src/core/messages/search-request.ts';
import { scimActor, type OperationContext } from '../../src/services/context.ts';
import { createGroupService } from '../../src/services/scim-groups.ts';
import { createUserService } from '../../src/services/scim-users.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../../src/store/postgres/store.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { POSTGRES_ADMIN_URL } from './harness.ts';

const DB = `scimd_wb_${randomBytes(5).toString('hex')}`;

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  await client.query(statement).finally(() => client.end());
}

const reachable = await admin('select 1').then(() => true, () => false);

const entraUser = (n: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  externalId: `ext-${n}`,
  userName: `user${n}@contoso.com`,
  active: true,
  emails: [{ primary: true, type: 'work', value: `user${n}@contoso.com` }],
  name: { formatted: "Given O'Family \\ 1", familyName: "O'Family", givenName: 'Given' },
});

describe('write-behind of appends on PostgreSQL', { skip: !reachable }, () => {
  let pool: pg.Pool;
  let store: SqlStore;
  let ctx: OperationContext;
  /**
   * What pooled connections sent, one entry per round trip: queries issued in the same tick go out
   * together on a pipelining connection (the server's pool pipelines), so they share an entry.
   */
  const sent: string[] = [];
  let batchOpen = false;

  before(async () => {
    await admin(`create database ${DB}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${DB}`;
    pool = new pg.Pool({ connectionString: url.toString(), max: 2, pipeline: true });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        const text = typeof first === 'string' ? first : String((first as { text?: string }).text);
        if (batchOpen) sent[sent.length - 1] += `\n+ ${text}`;
        else {
          sent.push(text);
          batchOpen = true;
          queueMicrotask(() => (batchOpen = false));
        }
        return query(...args);
      };
    });
    store = createPostgresStore({ pool, vacuumIntervalMs: 0 });
    const report = await migrateToLatest(store);
    if (report.error) throw report.error;
    const org = await store.organizations.create({ name: 'Acme', slug: 'acme' });
    ctx = { orgId: org.id, actor: scimActor('key-1', 'Entra'), requestId: 'req-1', sourceIp: '127.0.0.1' };
  });
  after(async () => {
    await store?.close();
    await admin(`drop database if exists ${DB} with (force)`);
  });

  const counted = async <T>(fn: () => Promise<T>): Promise<{ value: T; trips: string[] }> => {
    sent.length = 0;
    const value = await fn();
    return { value, trips: [...sent] };
  };

  it('creates a user in 2 round trips and PATCHes one in 2, BEGIN riding with the first statement, the UPDATE and the appends with COMMIT', async () => {
    const users = createUserService({ store, schemasFor: () => userSchemas() });
    await users.create(ctx, entraUser(0)); // warm: schemas, precompiled texts
    const created = await counted(() => users.create(ctx, entraUser(1)));
    // BEGIN with the user row, then the value rows, audit and outbox rows with the COMMIT.
    assert.equal(created.trips.length, 2, created.trips.join('\n---\n'));
    assert.match(created.trips[0] ?? '', /^begin\n\+ insert into "users"/);
    assert.match(created.trips.at(-1) ?? '', /insert into "audit_events"[\s\S]*insert into "outbox_events"[\s\S]*\n\+ commit$/);
    const id = created.value.resource['id'] as string;
    const patch = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: "Ann O'Neil \\ 2" }],
    });
    const patched = await counted(() => users.patch(ctx, id, patch));
    // BEGIN with the user (and its groups) FOR UPDATE, then the UPDATE (the row is locked and its
    // userName stays) with audit + outbox + COMMIT.
    assert.equal(patched.trips.length, 2, patched.trips.join('\n---\n'));
    assert.match(patched.trips.at(-1) ?? '', /^\/\* scimd:defer \*\/ update "users"[\s\S]*insert into "audit_events"[\s\S]*\n\+ commit$/);
    assert.equal(patched.value.resource['displayName'], "Ann O'Neil \\ 2");
    const history = await store.auditEvents.query(ctx.orgId, { limit: 10, resourceId: id });
    assert.deepEqual(history.events.map((e) => e.action), ['user.updated', 'user.created']);
    assert.equal((history.events[0]?.changes as { changed?: string[] }).changed?.includes('displayName'), true);
    const stored = await store.users.get(ctx.orgId, id);
    assert.equal(stored?.resource['name'] && (stored.resource['name'] as { familyName: string }).familyName, "O'Family");
  });

  it("returns the user's groups read with the user: a PATCH, a GET and a userName lookup", async () => {
    const users = createUserService({ store, schemasFor: () => userSchemas() });
    const member = await users.create(ctx, entraUser(20));
    const id = member.resource['id'] as string;
    const b = await store.groups.create(ctx.orgId, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: "Zeta's" }, { members: [{ value: id }] });
    const a = await store.groups.create(ctx.orgId, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Alpha' }, { members: [{ value: id }] });
    const expected = [a, b].sort((x, y) => (x.id < y.id ? -1 : 1)).map((g) => ({ value: g.id, display: g.resource['displayName'], type: 'direct' }));
    const patch = parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    const patched = await counted(() => users.patch(ctx, id, patch));
    assert.equal(patched.trips.length, 2);
    assert.deepEqual(patched.value.resource['groups'], expected);
    const got = await counted(() => users.get(ctx, id, { withGroups: true }));
    assert.equal(got.trips.length, 1);
    assert.deepEqual(got.value.resource['groups'], expected);
    const found = await counted(() => users.list(ctx, parseListQuery({ filter: 'userName eq "USER20@contoso.com"' }), { withGroups: true }));
    assert.equal(found.trips.length, 1);
    assert.deepEqual(found.value.resources.map((r) => r.resource['groups']), [expected]);
    const loner = await users.create(ctx, entraUser(21));
    const alone = await users.list(ctx, parseListQuery({ filter: 'userName eq "user21@contoso.com"' }), { withGroups: true });
    assert.deepEqual(alone.resources.map((r) => r.resource['groups']), [undefined]);
    assert.equal((await users.get(ctx, loner.resource['id'] as string, { withGroups: true })).resource['groups'], undefined);
  });

  it('adds members to a group in 3 round trips, reading neither the group nor its existence twice', async () => {
    const users = createUserService({ store, schemasFor: () => userSchemas() });
    const groups = createGroupService({ store, schemasFor: () => groupSchemas(), maxMembersReturned: 10 });
    const ids: string[] = [];
    for (let n = 30; n < 33; n += 1) ids.push((await users.create(ctx, entraUser(n))).resource['id'] as string);
    const group = await groups.create(ctx, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Team' });
    const id = group.resource['id'] as string;
    const add = (value: string) => parsePatchRequest({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value }] }],
    });
    await groups.patch(ctx, id, add(ids[0] ?? ''));
    const patched = await counted(() => groups.patch(ctx, id, add(ids[1] ?? '')));
    // BEGIN with the group FOR UPDATE; its UPDATE (version and lastModified: written behind, the
    // row is locked and its display name unchanged) with the membership INSERT straight from the
    // users' rows; then member_added's audit and outbox rows with the COMMIT.
    assert.equal(patched.trips.length, 3, patched.trips.join('\n---\n'));
    assert.match(patched.trips[1] ?? '', /update "groups"[\s\S]*insert into "memberships"/);
    assert.equal(patched.value.version, group.version + 2);
    const members = await store.groups.listMembers(ctx.orgId, id, { limit: 10 });
    assert.deepEqual(members.map((m) => m.value).sort(), [ids[0], ids[1]].sort());
    await assert.rejects(groups.patch(ctx, id, add('no-such-user')), (e: unknown) => (e as { status?: number }).status === 400);
    assert.equal((await store.groups.get(ctx.orgId, id))?.version, group.version + 2, 'the failed PATCH changed nothing');
  });

  it('plans the userName lookup with groups once per connection (a generic plan), like the lookup without', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${DB}`;
    const one = createPostgresStore({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }), vacuumIntervalMs: 0 });
    try {
      const users = createUserService({ store: one, schemasFor: () => userSchemas() });
      for (let i = 0; i < 12; i += 1) await users.list(ctx, parseListQuery({ filter: `userName eq "user${20 + (i % 2)}@contoso.com"` }), { withGroups: true });
      const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`select statement, generic_plans, custom_plans from pg_prepared_statements`.execute(one.kysely);
      const lookup = rows.find((r) => r.statement.includes('scimd_groups') && r.statement.includes('user_name_lc'));
      assert.ok(lookup, rows.map((r) => r.statement).join('\n'));
      assert.ok(Number(lookup.generic_plans) > 0, `custom plans only: ${lookup.custom_plans}`);
    } finally {
      await one.close();
    }
  });

  it('sends the held-back rows before the next statement of the transaction (read-your-writes)', async () => {
    const seen = await store.transaction(async (tx) => {
      const event = await tx.auditEvents.append(ctx.orgId, {
        actorType: 'system', actorId: null, actorName: 'test', action: 'test.ryw', resourceType: 'User', resourceId: 'x',
        requestId: null, sourceIp: null, changes: { note: "it's \\ fine", n: 1, flag: true, none: null },
      });
      const page = await tx.auditEvents.query(ctx.orgId, { limit: 5, action: 'test.ryw' });
      return { event, page };
    });
    assert.deepEqual(seen.page.events.map((e) => e.id), [seen.event.id]);
    assert.deepEqual(seen.page.events[0]?.changes, { note: "it's \\ fine", n: 1, flag: true, none: null });
  });

  it('drops the held-back rows when the transaction rolls back', async () => {
    await assert.rejects(store.transaction(async (tx) => {
      await tx.auditEvents.append(ctx.orgId, {
        actorType: 'system', actorId: null, actorName: 'test', action: 'test.rolledback', resourceType: 'User', resourceId: 'x',
        requestId: null, sourceIp: null, changes: null,
      });
      throw new Error('abandon');
    }), /abandon/);
    const page = await store.auditEvents.query(ctx.orgId, { limit: 5, action: 'test.rolledback' });
    assert.equal(page.events.length, 0);
    // The connection is clean for the next transaction.
    const position = await store.outboxEvents.position(ctx.orgId);
    assert.ok(position.last > 0);
  });

  it('fails the COMMIT when a held-back row fails, and rolls the whole transaction back', async () => {
    const users = createUserService({ store, schemasFor: () => userSchemas() });
    const victim = await users.create(ctx, entraUser(7));
    const id = victim.resource['id'] as string;
    const before = await store.outboxEvents.position(ctx.orgId);
    const taken = (await store.auditEvents.query(ctx.orgId, { limit: 1 })).events[0]?.id;
    assert.ok(taken);
    await assert.rejects(store.transaction(async (tx) => {
      const current = await tx.users.get(ctx.orgId, id, { forUpdate: true });
      assert.ok(current);
      await tx.users.replace(ctx.orgId, id, { ...current.resource, displayName: 'never' }, { current });
      // A duplicate audit id: held back, it fails only with the COMMIT.
      await tx.auditEvents.append(ctx.orgId, {
        id: taken, actorType: 'system', actorId: null, actorName: 'test', action: 'test.dup', resourceType: 'User', resourceId: id,
        requestId: null, sourceIp: null, changes: null,
      });
      await tx.outboxEvents.append(ctx.orgId, { type: 'scimd.test', resourceType: 'User', resourceId: id, data: {} });
    }), (error: unknown) => (error as { code?: string }).code === '23505');
    const after = await store.users.get(ctx.orgId, id);
    assert.equal(after?.version, victim.version, 'the user change was rolled back with it');
    assert.equal(after?.displayName ?? null, null);
    assert.deepEqual(await store.outboxEvents.position(ctx.orgId), before, 'no event numbered');
  });

  it('numbers the held-back events at COMMIT, in order, without gaps', async () => {
    const start = (await store.outboxEvents.position(ctx.orgId)).last;
    const ids = await store.transaction(async (tx) => {
      const a = await tx.outboxEvents.append(ctx.orgId, { type: 'scimd.test.a', resourceType: 'User', resourceId: 'a', data: { n: 1 } });
      const b = await tx.outboxEvents.append(ctx.orgId, { type: 'scimd.test.b', resourceType: 'User', resourceId: 'b', data: { n: 2 } });
      assert.equal(a.sequence, null);
      return [a.id, b.id];
    });
    const single = await store.outboxEvents.append(ctx.orgId, { type: 'scimd.test.c', resourceType: 'User', resourceId: 'c', data: null });
    assert.equal(single.sequence, start + 3, 'an append outside a transaction reads its number after COMMIT');
    const page = await store.outboxEvents.page(ctx.orgId, { afterSequence: start, limit: 10 });
    assert.deepEqual(page.map((e) => [e.id, e.sequence]), [[ids[0], start + 1], [ids[1], start + 2], [single.id, start + 3]]);
    assert.deepEqual(page[0]?.data, { n: 1 });
  });

  it('sends nothing for a transaction that runs no statement, and only BEGIN and the appends with COMMIT for one that only appends', async () => {
    const empty = await counted(() => store.transaction(async () => 'nothing'));
    assert.equal(empty.value, 'nothing');
    assert.deepEqual(empty.trips, []);
    const start = (await store.outboxEvents.position(ctx.orgId)).last;
    const appended = await counted(() => store.transaction((tx) => tx.outboxEvents.append(ctx.orgId, { type: 'scimd.test.only', resourceType: 'User', resourceId: 'o', data: null })));
    assert.equal(appended.trips.length, 1, appended.trips.join('\n---\n'));
    assert.match(appended.trips[0] ?? '', /^begin\n\+ \/\* scimd:defer \*\/ insert into "outbox_events"[\s\S]*\n\+ commit$/);
    assert.equal((await store.outboxEvents.position(ctx.orgId)).last, start + 1);
  });

  it('rolls back cleanly when the first statement, sent with the held BEGIN, fails', async () => {
    const users = createUserService({ store, schemasFor: () => userSchemas() });
    await users.create(ctx, entraUser(40));
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await assert.rejects(users.create(ctx, entraUser(40)), (e: unknown) => (e as { status?: number }).status === 409);
    }
    // Every pooled connection is out of the failed transaction: plain writes and reads work.
    const next = await Promise.all([users.create(ctx, entraUser(41)), users.create(ctx, entraUser(42))]);
    assert.deepEqual(next.map((u) => u.resource['userName']), ['user41@contoso.com', 'user42@contoso.com']);
    const { rows } = await sql<{ n: string }>`select count(*) as n from users where user_name_lc like 'user4_@contoso.com'`.execute(store.kysely);
    assert.equal(Number(rows[0]?.n), 3);
  });

  it('without pipeline mode (a pool the caller made), renders the held statements as literals into one simple query with the COMMIT', async () => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${DB}`;
    const plain = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const queries: string[] = [];
    plain.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        queries.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
        return query(...args);
      };
    });
    const one = createPostgresStore({ pool: plain, vacuumIntervalMs: 0 });
    try {
      const users = createUserService({ store: one, schemasFor: () => userSchemas() });
      queries.length = 0;
      const created = await users.create(ctx, entraUser(50));
      // BEGIN, the user row (queued after it), then the appends as literals with the COMMIT.
      assert.equal(queries.length, 3, queries.join('\n---\n'));
      assert.match(queries[2] ?? '', /^\/\* scimd:defer \*\/ insert into "user_values"[\s\S]*O''Family[\s\S]*;\ncommit$/);
      const stored = await store.users.get(ctx.orgId, created.resource['id'] as string);
      assert.equal((stored?.resource['name'] as { familyName: string }).familyName, "O'Family");
      const history = await store.auditEvents.query(ctx.orgId, { limit: 1, resourceId: created.resource['id'] as string });
      assert.deepEqual(history.events.map((e) => e.action), ['user.created']);
    } finally {
      await one.close();
    }
  });
});
