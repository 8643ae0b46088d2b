/**
 * `sortBy` (RFC 7644 §3.4.2.3) on every dialect: listings come back in the order a JavaScript sort of
 * the same resources gives — case-insensitive strings by their lowercase form in code point order,
 * multi-valued attributes by their primary (else first) value, absent values last — and attributes
 * that cannot be sorted are a 400 `invalidValue` with a detail naming them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitAttributePath } from '../../src/core/filter/attribute-path.ts';
import { compareCodePoints } from '../../src/core/filter/compare-values.ts';
import type { AttributePath } from '../../src/core/filter/nodes.ts';
import { isScimError } from '../../src/core/scim-error.ts';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import { sqliteCapabilities } from '../../src/store/sqlite/capabilities.ts';
import { sortExpression } from '../../src/store/sort.ts';
import { CUSTOM_SCHEMA, CUSTOM_URN, generateDataSet } from './filter-dataset.ts';
import { loadDataSet, openDatabases, storedUser } from './filter-databases.ts';
import type { TestDatabase } from './filter-databases.ts';

const ORG = 'org-sort';
const data = generateDataSet(4242, 150, 5);
const schemas = userSchemas([CUSTOM_SCHEMA]);

const path = (text: string): AttributePath => {
  const split = splitAttributePath(text);
  if (!split.ok) throw new Error(split.reason);
  return split.path;
};

type Key = string | number | null;
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const lower = (v: unknown): string | null => (typeof v === 'string' ? v.toLowerCase() : null);

/** The primary element of a multi-valued attribute, else the first (RFC 7644 §3.4.2.3). */
function primaryOrFirst(list: unknown): Record<string, unknown> | undefined {
  const items = Array.isArray(list) ? list.map(obj) : [];
  return items.find((e) => e['primary'] === true) ?? items[0];
}

/** How a JavaScript reader of the resource would order by each sortBy under test. */
const KEYS: Readonly<Record<string, (r: Record<string, unknown>) => Key>> = {
  userName: (r) => lower(r['userName']),
  emails: (r) => lower(primaryOrFirst(r['emails'])?.['value']),
  'emails.type': (r) => lower(primaryOrFirst(r['emails'])?.['type']),
  'name.familyName': (r) => lower(obj(r['name'])['familyName']),
  title: (r) => lower(r['title']),
  'meta.created': (r) => String(obj(r['meta'])['created']),
  externalId: (r) => (typeof r['externalId'] === 'string' ? r['externalId'] : null),
  [`${CUSTOM_URN}:badge`]: (r) => {
    const badge = obj(r[CUSTOM_URN])['badge'];
    return typeof badge === 'number' ? badge : null;
  },
};

function expectedOrder(key: (r: Record<string, unknown>) => Key, descending: boolean): string[] {
  const rows = data.users.map((u) => ({ id: u.id, key: key(storedUser(u)) }));
  rows.sort((a, b) => {
    if (a.key === null || b.key === null) {
      // Absent values go last when ascending and first when descending (RFC 7644 §3.4.2.3).
      if (a.key !== b.key) return (a.key === null ? 1 : -1) * (descending ? -1 : 1);
    } else if (a.key !== b.key) {
      const sign = typeof a.key === 'number' ? a.key - (b.key as number) : compareCodePoints(a.key, b.key as string);
      return descending ? -sign : sign;
    }
    return compareCodePoints(a.id, b.id);
  });
  return rows.map((r) => r.id);
}

describe('sortBy orders listings like a JavaScript sort of the same resources', () => {
  let databases: TestDatabase[] = [];

  before(async () => {
    databases = await openDatabases();
    for (const db of databases) await loadDataSet(db, ORG, data);
  });

  after(async () => {
    for (const db of databases) await db.close();
  });

  for (const [sortBy, key] of Object.entries(KEYS)) {
    for (const descending of [false, true]) {
      it(`sorts users by ${sortBy} ${descending ? 'descending' : 'ascending'} on every available dialect`, async () => {
        for (const db of databases) {
          const order = sortExpression(path(sortBy), 'users', schemas, db.caps);
          const rows = await db.db
            .selectFrom('users')
            .select('id')
            .where('org_id', '=', ORG)
            .orderBy(order, (ob) => (descending ? ob.desc().nullsFirst() : ob.asc().nullsLast()))
            .orderBy('id')
            .execute();
          assert.deepEqual(rows.map((r) => r.id), expectedOrder(key, descending), db.name);
        }
      });
    }
  }
});

describe('sortBy on an attribute that cannot be sorted', () => {
  const cases: readonly { sortBy: string; target: 'users' | 'groups'; detail: string }[] = [
    { sortBy: 'name', target: 'users', detail: 'sortBy=name cannot be used: it is complex; name one of its sub-attributes, as in name.familyName' },
    { sortBy: 'addresses', target: 'users', detail: 'sortBy=addresses cannot be used: addresses has no value; name a sub-attribute such as addresses.type' },
    { sortBy: 'emails.display', target: 'users', detail: 'sortBy=emails.display cannot be used: sort by emails.value or emails.type' },
    { sortBy: 'members', target: 'groups', detail: 'sortBy=members cannot be used: sorting by the multi-valued attribute members is not supported' },
    { sortBy: 'schemas', target: 'users', detail: 'sortBy=schemas cannot be used: sorting by the multi-valued attribute schemas is not supported' },
    { sortBy: 'shoeSize', target: 'users', detail: 'sortBy=shoeSize cannot be used: it is not an attribute of the User resource' },
    { sortBy: 'password', target: 'users', detail: 'sortBy=password cannot be used: the attribute is never returned' },
  ];
  for (const entry of cases) {
    it(`answers sortBy=${entry.sortBy} on ${entry.target} with 400 invalidValue`, () => {
      const target = entry.target === 'users' ? userSchemas() : groupSchemas();
      assert.throws(
        () => sortExpression(path(entry.sortBy), entry.target, target, sqliteCapabilities),
        (error: unknown) => isScimError(error) && error.status === 400 && error.scimType === 'invalidValue' && error.detail === entry.detail,
      );
    });
  }
});
