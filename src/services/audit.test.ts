import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parsePatchRequest } from '../core/messages/patch-request.ts';
import { testDialects } from '../../test/store/harness.ts';
import { adminFixture, rejectsWith, type AdminFixture } from '../../test/services/kit.ts';
import type { AuditEventRecord } from '../store/records.ts';
import type { SqlStore } from '../store/sql/sql-store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { migrateToLatest } from '../store/migrations/migrate.ts';
import { createAuditService, csvField, parseBound, renderExport } from './audit.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

const event = (over: Partial<AuditEventRecord>): AuditEventRecord => ({
  orgId: 'o',
  id: 'e1',
  occurredAt: '2026-03-01T12:00:00.000Z',
  actorType: 'scim',
  actorId: 'k1',
  actorName: 'SCIM System User (Entra)',
  action: 'user.created',
  resourceType: 'User',
  resourceId: 'u1',
  requestId: 'r1',
  sourceIp: '203.0.113.5',
  changes: { after: { userName: 'ann@contoso.com' } },
  ...over,
});

describe('audit export format', () => {
  it('quotes CSV fields with commas, quotes and line breaks, and defuses formulas', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line\nbreak'), '"line\nbreak"');
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField(null), '');
    assert.equal(csvField({ a: 1 }), '"{""a"":1}"');
  });

  it('writes a CSV header and one CRLF line per event, and a parseable JSON array', async () => {
    const events = [event({}), event({ id: 'e2', actorName: 'Ops, Inc.', changes: null })];
    const csv = await collect(renderExport(from(events), 'csv'));
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'occurredAt,actorType,actorId,actorName,action,resourceType,resourceId,requestId,sourceIp,changes');
    assert.equal(lines[1], '2026-03-01T12:00:00.000Z,scim,k1,SCIM System User (Entra),user.created,User,u1,r1,203.0.113.5,"{""after"":{""userName"":""ann@contoso.com""}}"');
    assert.match(lines[2] ?? '', /,"Ops, Inc\.",/);
    assert.equal(lines.length, 4);
    const json = JSON.parse(await collect(renderExport(from(events), 'json'))) as Record<string, unknown>[];
    assert.equal(json.length, 2);
    assert.deepEqual(Object.keys(json[0]!), ['occurredAt', 'actorType', 'actorId', 'actorName', 'action', 'resourceType', 'resourceId', 'requestId', 'sourceIp', 'changes']);
    assert.deepEqual(JSON.parse(await collect(renderExport(from([]), 'json'))), []);
  });

  it('reads dates as whole UTC days and refuses anything that is not ISO 8601', () => {
    assert.equal(parseBound('from', '2026-03-01'), '2026-03-01T00:00:00.000Z');
    assert.equal(parseBound('to', '2026-03-01'), '2026-03-02T00:00:00.000Z');
    assert.equal(parseBound('from', '2026-03-01T12:00:00+02:00'), '2026-03-01T10:00:00.000Z');
    assert.throws(() => parseBound('from', 'yesterday'), /from "yesterday" is not an ISO 8601 date or date-time/);
    assert.throws(() => parseBound('to', '2026-13-45'), /to "2026-13-45" is not an ISO 8601/);
  });
});

for (const dialect of await testDialects()) {
  describe(`revision history on ${dialect.name}`, () => {
    let f: AdminFixture;
    let audit: ReturnType<typeof createAuditService>;
    let userId: string;
    before(async () => {
      f = await adminFixture(dialect);
      audit = createAuditService({ store: f.store, clock: f.time.clock, exportBatchSize: 3 });
      const created = await f.users.create(f.scim, { schemas: [USER], userName: 'ann@contoso.com', active: true });
      userId = created.resource['id'] as string;
      f.time.advance(60_000);
      await f.users.patch(f.scim, userId, parsePatchRequest({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }));
      await f.users.create(f.scim, { schemas: [USER], userName: 'bob@contoso.com' });
      f.time.advance(60_000);
      await f.roles.create(f.admin, { name: 'Contractor' });
      await f.orgs.setScimEnabled(f.admin, false);
      await f.orgs.setScimEnabled(f.admin, true);
    });
    after(() => f.close());

    it('records roles, policies and the SCIM toggle with actor, request id and source IP', async () => {
      const page = await audit.query(f.org.id, { actorType: 'admin', order: 'oldest' });
      assert.deepEqual(page.events.map((e) => e.action), ['organization.created', 'role.created', 'organization.scim_disabled', 'organization.scim_enabled']);
      const toggle = page.events[2]!;
      assert.deepEqual([toggle.actorName, toggle.requestId, toggle.sourceIp, toggle.resourceType], ['operator@vendor.example', 'req-admin', '192.0.2.1', 'Organization']);
    });

    it('filters by actor type, action and time range, newest first, with cursor paging', async () => {
      const scim = await audit.query(f.org.id, { actorType: 'scim' });
      assert.deepEqual(scim.events.map((e) => e.action), ['user.created', 'user.deactivated', 'user.created']);
      assert.ok(scim.events.every((e) => e.actorName === 'SCIM System User (Entra)' && e.sourceIp === '203.0.113.5'));
      const first = await audit.query(f.org.id, { action: 'user.created', limit: 1 });
      assert.ok(first.nextCursor);
      const second = await audit.query(f.org.id, { action: 'user.created', limit: 1, cursor: first.nextCursor! });
      assert.equal(second.nextCursor, undefined);
      assert.notEqual(first.events[0]?.id, second.events[0]?.id);
      const window = await audit.query(f.org.id, { from: '2026-03-01T12:00:30Z', to: '2026-03-01T12:01:30Z' });
      assert.deepEqual(window.events.map((e) => e.action).sort(), ['user.created', 'user.deactivated']);
    });

    it('answers a user\'s own history in one query, without other users\' events', async () => {
      const history = await audit.userHistory(f.org.id, userId, { order: 'oldest' });
      assert.deepEqual(history.events.map((e) => e.action), ['user.created', 'user.deactivated']);
      assert.deepEqual(history.events[1]?.changes, { changed: ['active'], before: { active: true }, after: { active: false } });
    });

    it('refuses bad filters with 400 invalidValue naming the filter', async () => {
      await rejectsWith(audit.query(f.org.id, { actorType: 'robot' }), 400, 'invalidValue', /actorType must be one of scim, admin, system, not "robot"/);
      await rejectsWith(audit.query(f.org.id, { limit: 0 }), 400, 'invalidValue', /limit must be an integer from 1 to 1000/);
      await rejectsWith(audit.query(f.org.id, { from: '2026-03-02', to: '2026-03-01' }), 400, 'invalidValue', /from .* must be before to/);
      await rejectsWith(audit.query(f.org.id, { cursor: 'garbage' }), 400, 'invalidValue', /cursor is not valid/);
      assert.throws(() => audit.export(f.org.id, {}, 'xml' as 'csv'), /format must be "csv" or "json", not "xml"/);
    });

    it('exports the filtered history oldest first across several keyset batches', async () => {
      const csv = await collect(audit.export(f.org.id, { actorType: 'scim' }, 'csv'));
      const rows = csv.trimEnd().split('\r\n').slice(1);
      assert.deepEqual(rows.map((r) => r.split(',')[4]), ['user.created', 'user.deactivated', 'user.created']);
      const json = JSON.parse(await collect(audit.export(f.org.id, {}, 'json'))) as { action: string }[];
      assert.equal(json.length, (await audit.query(f.org.id, { limit: 1000 })).events.length);
      assert.equal(json[0]?.action, 'organization.created');
    });

    it('deletes events older than the retention period in every organization', async () => {
      f.time.advance(10 * 24 * 60 * 60 * 1000);
      await f.roles.create(f.admin, { name: 'Recent' });
      const result = await audit.applyRetention(5);
      assert.equal(result.deleted, 7);
      assert.deepEqual((await audit.query(f.org.id, {})).events.map((e) => e.action), ['role.created']);
      await rejectsWith(audit.applyRetention(0), 400, 'invalidValue', /at least 1/);
    });
  });
}

describe('audit export memory', () => {
  let store: SqlStore;
  const ROWS = 100_000;
  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    const report = await migrateToLatest(store);
    if (report.error) throw report.error;
    await store.organizations.create({ id: 'org-1', name: 'Big', slug: 'big' });
    for (let start = 0; start < ROWS; start += 500) {
      const rows = Array.from({ length: 500 }, (_, i) => {
        const n = start + i;
        return {
          org_id: 'org-1',
          id: `e-${String(n).padStart(7, '0')}`,
          occurred_at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
          actor_type: 'scim',
          actor_id: 'key-1',
          actor_name: 'SCIM System User (Entra)',
          action: 'user.updated',
          resource_type: 'User',
          resource_id: `u-${n % 5000}`,
          request_id: `req-${n}`,
          source_ip: '203.0.113.5',
          changes: JSON.stringify({ changed: ['displayName'], before: { displayName: `Old name ${n}` }, after: { displayName: `New, "quoted" name ${n}` } }),
        };
      });
      await store.kysely.insertInto('audit_events').values(rows).execute();
    }
  });
  after(() => store.close());

  it('streams 100,000 events as CSV with a flat heap', async (t) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const audit = createAuditService({ store });
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    let bytes = 0;
    let lines = 0;
    const samples: number[] = [];
    for await (const chunk of audit.export('org-1', {}, 'csv')) {
      bytes += chunk.length;
      lines += 1;
      if (lines % 10_000 === 1) samples.push(heap());
    }
    samples.push(heap());
    assert.equal(lines, ROWS + 1);
    const growth = Math.max(...samples) - samples[0]!;
    // The output is ~25 MB; holding it (or the rows) would grow the heap by far more than this.
    t.diagnostic(`exported ${(bytes / 1e6).toFixed(1)} MB; heap after gc ${samples.map((v) => (v / 1e6).toFixed(1)).join(', ')} MB`);
    assert.ok(bytes > 20_000_000, `exported ${bytes} bytes`);
    assert.ok(growth < 8_000_000, `heap grew by ${(growth / 1e6).toFixed(1)} MB while exporting ${(bytes / 1e6).toFixed(1)} MB (samples ${samples.map((s) => (s / 1e6).toFixed(1)).join(', ')} MB)`);
  });
});
