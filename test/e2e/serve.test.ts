/**
 * End to end on PostgreSQL: spawn `scimd serve` against its own database, read the Tenant URL and
 * token it prints, and run a provisioning story through real HTTP — 1,000 users (Bulk) and 20 groups
 * with memberships, updates, deactivations, deletions — then check the state through the API and in
 * the database, and stop it with SIGTERM.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { scimClient, serveScimd, type Served } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USERS = 1000;
const GROUPS = 20;
const PER_GROUP = USERS / GROUPS;

const setup = await createTestDatabase();
const skip = 'skip' in setup ? setup.skip : false;
let db: TestDatabase;
let served: Served;
let scim: ReturnType<typeof scimClient>;
const ids: string[] = [];
const groupIds: string[] = [];

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const userName = (n: number) => `user${String(n).padStart(4, '0')}@contoso.test`;
const entraUser = (n: number) => ({
  schemas: [USER],
  externalId: `ext-${n}`,
  userName: userName(n),
  active: 'True',
  displayName: `User ${n}`,
  emails: [{ primary: true, type: 'work', value: userName(n) }],
  name: { givenName: 'User', familyName: String(n) },
});
const replace = (path: string, value: unknown) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path, value }] });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('scimd serve on PostgreSQL', { skip }, () => {
  before(async () => {
    db = setup as TestDatabase;
    served = await serveScimd({ DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    assert.match(served.token ?? '', /^scimd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.match(served.tenantUrl, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    scim = scimClient(served.tenantUrl, served.token ?? '');
  });
  after(async () => {
    if (served && served.child.exitCode === null) await served.stop('SIGKILL');
    await db?.drop();
  });

  it('answers an Entra Test Connection lookup with an empty list', async () => {
    const { status, body } = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "probe@contoso.test"')}`);
    assert.equal(status, 200);
    assert.equal(body?.['totalResults'], 0);
  });

  it('creates 1,000 users through Bulk', async () => {
    const batches = range(0, 4).map((b) => range(b * 250, (b + 1) * 250));
    const responses = await pool(batches, 4, (batch) =>
      scim('POST', '/Bulk', {
        schemas: [BULK],
        Operations: batch.map((n) => ({ method: 'POST', path: '/Users', bulkId: `u${n}`, data: entraUser(n) })),
      }),
    );
    for (const [b, response] of responses.entries()) {
      assert.equal(response.status, 200);
      const operations = response.body?.['Operations'] as { status: string; location: string; bulkId: string }[];
      assert.equal(operations.length, 250);
      for (const op of operations) {
        assert.equal(op.status, '201', JSON.stringify(op));
        ids[Number(op.bulkId.slice(1))] = op.location.split('/').at(-1) ?? '';
      }
      assert.ok(b >= 0);
    }
    assert.equal(ids.filter(Boolean).length, USERS);
  });

  it('creates 20 groups of 50 members each', async () => {
    const created = await pool(range(0, GROUPS), 5, (g) =>
      scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: `Group ${String(g).padStart(2, '0')}`,
        members: range(g * PER_GROUP, (g + 1) * PER_GROUP).map((n) => ({ value: ids[n] })),
      }),
    );
    for (const response of created) {
      assert.equal(response.status, 201);
      groupIds.push(response.body?.['id'] as string);
    }
    const rows = await db.query<{ n: string }>('select count(*) as n from memberships');
    assert.equal(Number(rows[0]?.n), USERS);
  });

  it('updates, deactivates and deletes users with Entra-shaped requests', async () => {
    const updated = await pool(range(0, 200), 16, (n) => scim('PATCH', `/Users/${ids[n]}`, replace('title', 'Engineer')));
    assert.ok(updated.every((r) => r.status === 200 && r.body?.['title'] === 'Engineer'));
    const deactivated = await pool(range(900, 1000), 16, (n) => scim('PATCH', `/Users/${ids[n]}`, replace('active', 'False')));
    assert.ok(deactivated.every((r) => r.status === 200 && r.body?.['active'] === false));
    const deleted = await pool(range(950, 1000), 16, (n) => scim('DELETE', `/Users/${ids[n]}`));
    assert.ok(deleted.every((r) => r.status === 204));
  });

  it('changes group memberships with PATCH and never sends the member list back', async () => {
    const group = groupIds[0] as string;
    const remove = await scim('PATCH', `/Groups/${group}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: ids[0] }] }],
    });
    assert.equal(remove.status, 204);
    const add = await scim('PATCH', `/Groups/${group}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: range(100, 110).map((n) => ({ value: ids[n] })) }],
    });
    assert.equal(add.status, 204);
  });

  it('reads back the provisioned state through the API and in the database', async () => {
    const all = await scim('GET', '/Users?count=1');
    assert.equal(all.body?.['totalResults'], USERS - 50);
    const inactive = await scim('GET', `/Users?filter=${encodeURIComponent('active eq false')}&count=1`);
    assert.equal(inactive.body?.['totalResults'], 50);
    const one = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName(5).toUpperCase()}"`)}`);
    const found = (one.body?.['Resources'] as Record<string, unknown>[])[0];
    assert.equal(found?.['title'], 'Engineer');
    assert.equal((await scim('GET', `/Users/${ids[999]}`)).status, 404);
    const last = await scim('GET', `/Groups/${groupIds[19]}`);
    assert.equal(last.body?.['members'], undefined, 'every member of the last group was deleted');
    const first = await scim('GET', `/Groups/${groupIds[0]}?excludedAttributes=members`);
    assert.equal(first.status, 200);
    assert.equal(first.body?.['members'], undefined);
    const counts = await db.query<{ group_id: string; n: string }>('select group_id, count(*) as n from memberships group by group_id');
    const byGroup = new Map(counts.map((r) => [r.group_id, Number(r.n)]));
    assert.equal(byGroup.get(groupIds[0] as string), PER_GROUP - 1 + 10);
    assert.equal(byGroup.get(groupIds[18] as string), PER_GROUP);
    assert.equal(byGroup.get(groupIds[19] as string), undefined);
    const audit = await db.query<{ action: string; n: string }>("select action, count(*) as n from audit_events where action like 'user.%' group by action");
    const actions = Object.fromEntries(audit.map((r) => [r.action, Number(r.n)]));
    assert.deepEqual(actions, { 'user.created': 1000, 'user.updated': 200, 'user.deactivated': 100, 'user.deleted': 50 });
  });

  it('shuts down cleanly on SIGTERM and writes the key\'s last use on the way out', async () => {
    const exit = await served.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(served.stderr(), '');
    const keys = await db.query<{ last_used_at: string | null }>('select last_used_at from api_keys');
    assert.equal(keys.length, 1);
    assert.ok(keys[0]?.last_used_at, 'lastUsedAt was flushed on shutdown');
    const output = served.lines.slice(2).join('\n');
    assert.ok(!output.includes(served.token ?? '\u0000'), 'the token never appears in the logs');
  });
});
