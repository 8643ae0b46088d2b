/**
 * Two `scimd serve` processes on one PostgreSQL database, as behind a load balancer: parallel
 * PATCHes of one user and one group without If-Match, spread over both, all succeed (no 412) and
 * serialise into one version per write, the last of which both instances then serve; a stale
 * If-Match is still a 412 on either; a user created on one instance is readable on the other.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBenchDatabase, seedTenants, type BenchDatabase, type Tenant } from '../../bench/tenants.ts';
import { createTestDatabase } from './postgres.ts';
import { serveScimd, type Served } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PARALLEL = 32;

interface Answer {
  readonly status: number;
  readonly etag: string | null;
  readonly body: Record<string, unknown> | undefined;
}

/** PostgreSQL's reachability, checked the way every e2e test on it does (a failure under CI=true). */
const probe = await createTestDatabase();
if (!('skip' in probe)) await probe.drop();
const skip = 'skip' in probe ? probe.skip : false;

describe('two scimd serve instances on one PostgreSQL database', { skip }, () => {
  let db: BenchDatabase;
  let tenant: Tenant;
  const servers: Served[] = [];

  before(async () => {
    db = await createBenchDatabase('postgres');
    [tenant] = (await seedTenants(db, 1, PARALLEL, 1)) as [Tenant];
    // The rate limit is per process and not under test here.
    const env = { ...db.env, SCIMD_RATE_LIMIT_PER_SECOND: '100000', SCIMD_RATE_LIMIT_BURST: '100000' };
    servers.push(...(await Promise.all([serveScimd(env, [], 60_000), serveScimd(env, [], 60_000)])));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.remove();
  });

  /** Calls instance `n` (0 or 1) with the tenant's SCIM key. */
  async function call(n: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const listen = servers[n]!.lines.find((l) => l.includes('"scimd listening"'))!.match(/"listen":"([^"]+)"/)![1];
    const response = await fetch(`http://${listen}/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${tenant.token}`, ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  }

  const spread = (fn: (instance: number, i: number) => Promise<Answer>) => Promise.all(Array.from({ length: PARALLEL }, (_, i) => fn(i % 2, i)));
  const failed = (answers: readonly Answer[], ok: number) => JSON.stringify(answers.find((a) => a.status !== ok));

  it(`serialises ${PARALLEL} PATCHes of one user spread over both instances: all 200, the last write served by both`, async () => {
    const id = tenant.userIds[0]!;
    const answers = await spread((n, i) => call(n, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: `Instance ${n} write ${i}` }] }));
    assert.deepEqual(answers.map((a) => a.status), Array(PARALLEL).fill(200), failed(answers, 200));
    assert.equal(new Set(answers.map((a) => a.etag)).size, PARALLEL, 'every write produced its own version');
    const last = answers.find((a) => a.etag === `W/"${PARALLEL + 1}"`);
    assert.ok(last, `one write produced version ${PARALLEL + 1}: ${answers.map((a) => a.etag).join(' ')}`);
    for (const n of [0, 1]) {
      const read = await call(n, 'GET', `/Users/${id}`);
      assert.equal(read.etag, `W/"${PARALLEL + 1}"`, `instance ${n}`);
      assert.equal(read.body?.['displayName'], last.body?.['displayName'], `instance ${n} serves the last write`);
    }
  });

  it(`serialises ${PARALLEL} renames with member adds of one group spread over both instances: all 204, nothing lost`, async () => {
    const id = tenant.groupIds[0]!;
    const answers = await spread((n, i) =>
      call(n, 'PATCH', `/Groups/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'displayName', value: `Team ${i}` },
          { op: 'add', path: 'members', value: [{ value: tenant.userIds[i] }] },
        ],
      }),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(PARALLEL).fill(204), failed(answers, 204));
    const reads = await Promise.all([0, 1].map((n) => call(n, 'GET', `/Groups/${id}`)));
    for (const [n, read] of reads.entries()) {
      assert.equal(read.etag, `W/"${PARALLEL + 1}"`, `instance ${n}`);
      assert.equal((read.body?.['members'] as unknown[]).length, PARALLEL, `instance ${n}: no member add was lost`);
    }
    assert.equal(reads[0]!.body?.['displayName'], reads[1]!.body?.['displayName'], 'both instances serve the same last rename');
    assert.match(String(reads[0]!.body?.['displayName']), /^Team \d+$/);
  });

  it('answers a stale If-Match with 412 on either instance', async () => {
    for (const [n, path] of [[0, `/Users/${tenant.userIds[0]}`], [1, `/Groups/${tenant.groupIds[0]}`]] as const) {
      const stale = await call(n, 'PATCH', path, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Stale' }] }, { 'If-Match': 'W/"1"' });
      assert.equal(stale.status, 412, JSON.stringify(stale.body));
      assert.match(String(stale.body?.['detail']), new RegExp(`current version is W/"${PARALLEL + 1}"`));
    }
  });

  it('reads on one instance a user created on the other', async () => {
    const created = await call(0, 'POST', '/Users', { schemas: [USER], userName: 'made-on-one@example.com', displayName: 'Made on one' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const read = await call(1, 'GET', `/Users/${String(created.body?.['id'])}`);
    assert.equal(read.status, 200);
    assert.equal(read.body?.['userName'], 'made-on-one@example.com');
    assert.equal(read.etag, created.etag);
    const found = await call(1, 'GET', `/Users?filter=${encodeURIComponent('userName eq "made-on-one@example.com"')}`);
    assert.equal(found.body?.['totalResults'], 1);
  });
});
