/**
 * Filter parser and matcher throughput on the filters Entra ID sends (docs/clients.md §2.1, §2.2.1).
 * Run: `taskset -c 1 node --import tsx bench/core-filter.ts` (one core; the issue asks for
 * ≥ 200k typical Entra filters per second).
 */
import { compileFilter, matchFilter } from '../src/core/filter/match.ts';
import { parseFilter } from '../src/core/filter/parser.ts';
import { userSchemas } from '../src/core/schema/resource-types.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const uuid = (i: number): string => `${i.toString(16).padStart(8, '0')}-5f7e-4c1e-9d6b-1b2c3d4e5f60`;
const FILTERS = Array.from({ length: 1000 }, (_, i) => {
  switch (i % 4) {
    case 0:
      return `userName eq "${uuid(i)}@contoso.com"`;
    case 1:
      return `externalId eq "${uuid(i)}"`;
    case 2:
      return `emails[type eq "work"].value eq "user${i}@contoso.com"`;
    default:
      return `displayName eq "Sales team ${i}"`;
  }
});

const USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: uuid(1),
  userName: `${uuid(0)}@contoso.com`,
  displayName: 'Babs Jensen',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { type: 'work', value: 'user2@contoso.com', primary: true },
    { type: 'home', value: 'babs@example.org' },
  ],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701984' },
};

/** Calls `step(i)` in a loop for about SECONDS and returns operations per second. */
function measure(step: (i: number) => void): number {
  for (let i = 0; i < 20_000; i += 1) step(i); // warm-up
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 1000; i += 1) step(count + i);
    count += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

const schemas = userSchemas();
const parsed = FILTERS.map((f) => parseFilter(f));
const compiled = parsed.map((f) => compileFilter(f, schemas));
let sink = 0;

const rows: [string, number][] = [
  ['parseFilter, typical Entra filters', measure((i) => { sink += parseFilter(FILTERS[i % FILTERS.length] as string).kind.length; })],
  ['matchFilter (compile + evaluate), one user', measure((i) => { sink += matchFilter(parsed[i % parsed.length]!, USER, schemas) ? 1 : 0; })],
  ['compiled filter evaluations, one user', measure((i) => { sink += compiled[i % compiled.length]!(USER) ? 1 : 0; })],
  ['parse + match (a full lookup over one user)', measure((i) => { sink += matchFilter(parseFilter(FILTERS[i % FILTERS.length] as string), USER, schemas) ? 1 : 0; })],
];

for (const [label, rate] of rows) console.log(`${label.padEnd(46)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} /s`);
if (sink < 0) console.log(sink);
