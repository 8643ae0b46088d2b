/**
 * Store benchmark, extension attributes: N users (default 100,000) in one organization, each with
 * Entra's sample custom extension block, then filters on its attributes through the Store port —
 * first as scimd answers them with no further setup (the organization's rows read through the
 * `org_id` key, the JSON path evaluated per row), then after creating expression indexes on the two
 * string attributes (extension-index.ts), with the query plans of both. Prints one line per filter.
 *   N=100000 DIALECT=sqlite npm run bench -- bench/store-extension-filter.bench.ts
 */
import { CompiledQuery, sql } from 'kysely';
import { parseFilter } from '../src/core/filter/parser.ts';
import { userSchemas } from '../src/core/schema/resource-types.ts';
import { validateSchemaDefinition } from '../src/core/schema/registry.ts';
import { URN } from '../src/core/urns.ts';
import { extensionIndexStatement, type ExtensionIndex } from '../src/store/extension-index.ts';
import { filterToSql } from '../src/store/filter-to-sql.ts';
import { user } from '../test/store/fixtures.ts';
import { DIALECT, mb, microsPerCall, openBenchStore } from './store-harness.ts';

const N = Number(process.env['N'] ?? 100_000);
const BATCH = 1000;
const ENTRA = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const definition = validateSchemaDefinition({
  id: ENTRA,
  attributes: [{ name: 'CustomAttribute' }, { name: 'costCenter' }, { name: 'badge', type: 'integer' }],
});
const schemas = userSchemas([definition]);

const FILTERS = [
  { label: 'CustomAttribute eq (1 match)', filter: (i: number) => `${ENTRA}:CustomAttribute eq "VALUE-${(i * 7919) % N}"`, count: 1, indexable: true },
  { label: 'costCenter eq (100 matches, page of 100 + totalResults)', filter: (i: number) => `${ENTRA}:costCenter eq "cc-${String(i % 1000).padStart(3, '0')}"`, count: 100, indexable: true },
  { label: 'badge gt (10 matches; integers are not indexed)', filter: () => `${ENTRA}:badge gt ${N - 11}`, count: 100, indexable: false },
];

const INDEXES: ExtensionIndex[] = [
  { table: 'users', urn: ENTRA, attribute: 'CustomAttribute', caseExact: false, name: 'users_entra_custom_attribute_idx' },
  { table: 'users', urn: ENTRA, attribute: 'costCenter', caseExact: false, name: 'users_entra_cost_center_idx' },
];

const bench = await openBenchStore();
const { store } = bench;

async function plan(org: string, filter: string): Promise<string> {
  const where = filterToSql(parseFilter(filter), 'users', schemas, store.capabilities);
  const query = store.kysely.selectFrom('users').select('id').where('org_id', '=', org).where(where).compile();
  const prefix = DIALECT === 'postgres' ? 'explain' : 'explain query plan';
  const result = await store.kysely.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${prefix} ${query.sql}`, [...query.parameters]));
  return result.rows.map((r) => `    ${String(r['QUERY PLAN'] ?? r['detail'])}`).join('\n');
}

async function measure(org: string, phase: string, iterations: number): Promise<void> {
  for (const f of FILTERS) {
    const page = await store.users.list(org, { filter: parseFilter(f.filter(1)), schemas, count: f.count });
    // A filter no index answers costs a scan per call: a few calls are enough to time it.
    const calls = f.indexable ? iterations : Math.min(iterations, 10);
    const micros = await microsPerCall(calls, (i) => store.users.list(org, { filter: parseFilter(f.filter(i)), schemas, count: f.count }));
    console.log(`${DIALECT} @ ${N} ${phase}: ${f.label}: ${(micros / 1000).toFixed(2)} ms per list call (${page.totalResults} found)`);
    console.log(await plan(org, f.filter(1)));
  }
}

try {
  const org = (await store.organizations.create({ name: 'Bench', slug: 'bench' })).id;
  const started = Date.now();
  for (let from = 0; from < N; from += BATCH) {
    const batch = [];
    for (let i = from; i < Math.min(N, from + BATCH); i += 1) {
      batch.push(user(`user${i}@example.com`, {
        schemas: [URN.user, ENTRA],
        [ENTRA]: { CustomAttribute: `value-${i}`, costCenter: `CC-${String(i % 1000).padStart(3, '0')}`, badge: i },
      }));
    }
    await store.users.createMany(org, batch);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`${DIALECT}: inserted ${N} users with the extension in ${seconds.toFixed(1)} s; database ${mb(await bench.size())}`);
  await sql`analyze`.execute(store.kysely);

  await measure(org, 'no expression index', 10);
  const indexing = Date.now();
  for (const index of INDEXES) await extensionIndexStatement(store.capabilities, index).execute(store.kysely);
  await sql`analyze`.execute(store.kysely);
  console.log(`${DIALECT}: created ${INDEXES.length} expression indexes in ${((Date.now() - indexing) / 1000).toFixed(1)} s; database ${mb(await bench.size())}`);
  await measure(org, 'expression indexes', 200);
} finally {
  await bench.dispose();
}
