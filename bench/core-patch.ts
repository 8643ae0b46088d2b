/**
 * PATCH engine throughput on a realistic Entra ID user with the update shapes Entra sends most
 * (docs/clients.md B-E3 legacy multi-replace, B-E12 flag-mode no-path dotted keys, B-E7 disable with a
 * string boolean). Run: `taskset -c 1 node --import tsx bench/core-patch.ts` (one core).
 * Each request includes parsing its paths, validating values and cloning the user.
 */
import { applyPatch } from '../src/core/patch/apply-patch.ts';
import type { PatchOperation } from '../src/core/patch/types.ts';
import { userSchemas } from '../src/core/schema/resource-types.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'barbara.jensen@contoso.com',
  displayName: 'Barbara Jensen',
  title: 'Tour Guide',
  preferredLanguage: 'en-US',
  active: true,
  name: { formatted: 'Barbara Jensen', givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { type: 'work', value: 'barbara.jensen@contoso.com', primary: true },
    { type: 'home', value: 'babs@example.org' },
  ],
  phoneNumbers: [
    { type: 'work', value: '+1 555 0100' },
    { type: 'mobile', value: '+1 555 0101' },
  ],
  addresses: [{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' }],
  roles: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' }],
  [ENTERPRISE]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
  meta: { resourceType: 'User', created: '2024-01-23T04:56:22Z', lastModified: '2024-05-13T04:42:34Z', version: 'W/"3"' },
};

const REQUESTS: readonly (readonly PatchOperation[])[] = [
  [
    { op: 'Replace' as 'replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@contoso.com' },
    { op: 'Replace' as 'replace', path: 'name.familyName', value: 'updatedFamilyName' },
    { op: 'Replace' as 'replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
  ],
  [
    { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@contoso.com' },
    { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' } },
  ],
  [{ op: 'Replace' as 'replace', path: 'active', value: 'False' }],
];
const OPERATIONS_PER_ROUND = REQUESTS.reduce((sum, request) => sum + request.length, 0);

const schemas = userSchemas();
let sink = 0;

function round(): void {
  for (const operations of REQUESTS) sink += applyPatch(USER, operations, schemas).changedAttributes.length;
}

function measure(): { requests: number; operations: number } {
  for (let i = 0; i < 5_000; i += 1) round(); // warm-up
  let rounds = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 200; i += 1) round();
    rounds += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  const seconds = Number(elapsed) / 1e9;
  return { requests: (rounds * REQUESTS.length) / seconds, operations: (rounds * OPERATIONS_PER_ROUND) / seconds };
}

const { requests, operations } = measure();
const format = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`PATCH requests/s (B-E3, B-E12, B-E7 in turn): ${format(requests)}`);
console.log(`PATCH operations/s:                          ${format(operations)}`);
if (sink < 0) console.log(sink);
