/**
 * The delivery queries' literal status predicates let each database use the partial indexes of
 * migration 0014 (with `status = $1`, a PostgreSQL generic plan could not prove the index's WHERE).
 * Checked with EXPLAIN on every dialect; PostgreSQL with sequential scans discouraged, since on a
 * near-empty table it would rightly prefer one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects } from '../store/harness.ts';

const dialects = await testDialects();

const QUERIES = {
  due: sql`select d.id from webhook_deliveries as d where d.status = 'pending' and d.next_attempt_at <= '2030-01-01' order by d.next_attempt_at, d.sequence limit 5`,
  expired: sql`select d.id from webhook_deliveries as d where d.status = 'leased' and d.lease_expires_at <= '2030-01-01' order by d.lease_expires_at limit 5`,
  earlier: sql`select 1 from webhook_deliveries as p where p.endpoint_id = 'e' and p.resource_key = 'User/u' and p.sequence < 10 and p.status in ('pending', 'leased')`,
};
const INDEX = { due: 'webhook_deliveries_due_idx', expired: 'webhook_deliveries_lease_idx', earlier: 'webhook_deliveries_order_idx' };

for (const dialect of dialects) {
  describe(`partial delivery indexes on ${dialect.name}`, () => {
    let store: SqlStore;
    before(async () => {
      store = await dialect.open();
    });
    after(() => dialect.close(store));

    for (const [name, query] of Object.entries(QUERIES) as [keyof typeof QUERIES, (typeof QUERIES)[keyof typeof QUERIES]][]) {
      it(`finds ${name} deliveries through ${INDEX[name]}`, async () => {
        const plan = await store.kysely.transaction().execute(async (trx) => {
          if (dialect.name === 'postgres') {
            await sql`set local enable_seqscan = off`.execute(trx);
            return (await sql<Record<string, string>>`explain ${query}`.execute(trx)).rows.map((r) => Object.values(r).join(' ')).join('\n');
          }
          return (await sql<Record<string, string>>`explain query plan ${query}`.execute(trx)).rows.map((r) => String(r['detail'])).join('\n');
        });
        assert.match(plan, new RegExp(INDEX[name]), plan);
      });
    }
  });
}
