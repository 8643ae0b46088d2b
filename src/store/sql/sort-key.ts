/**
 * The sort key of a listing (RFC 7644 §3.4.2.3): the SQL expression of `sortBy`, its direction and
 * a fingerprint for cursors. Column-backed attributes only for now; the general compiler
 * (`sortExpression` in src/store/sort.ts) replaces the column table when it lands.
 */
import { sql, type Expression } from 'kysely';
import type { AttributePath } from '../../core/filter/nodes.ts';
import { ScimError } from '../../core/scim-error.ts';
import { resolveAttribute } from '../../core/schema/resolve.ts';
import type { ResourceSchemas } from '../../core/schema/types.ts';
import type { SqlContext } from './context.ts';

export interface SortKey {
  readonly expression: Expression<unknown>;
  readonly descending: boolean;
  /** Identifies the ordering inside a cursor, so a cursor is only accepted for the same sort. */
  readonly fingerprint: string;
}

/** Sortable attributes (canonical `attr[.sub]`, lower-cased) and the column holding their sort value. */
const COLUMNS: Readonly<Record<'users' | 'groups', Readonly<Record<string, string>>>> = {
  users: {
    id: 'id',
    externalid: 'external_id',
    username: 'user_name_lc',
    displayname: 'display_name_lc',
    usertype: 'user_type',
    active: 'active',
    emails: 'primary_email_lc',
    'emails.value': 'primary_email_lc',
    'name.givenname': 'given_name',
    'name.familyname': 'family_name',
    'meta.created': 'created_at',
    'meta.lastmodified': 'updated_at',
  },
  groups: {
    id: 'id',
    externalid: 'external_id',
    displayname: 'display_name_lc',
    'meta.created': 'created_at',
    'meta.lastmodified': 'updated_at',
  },
};

/** The key for `sortBy`/`sortOrder`; attributes without a sortable column → 400 invalidValue. */
export function sortKey(
  _ctx: SqlContext,
  target: 'users' | 'groups',
  schemas: ResourceSchemas,
  sortBy: AttributePath,
  sortOrder: 'ascending' | 'descending' | undefined,
): SortKey {
  const descending = sortOrder === 'descending';
  const resolved = resolveAttribute(schemas, sortBy);
  const name = resolved && !resolved.extension
    ? [resolved.attribute.name, resolved.subAttribute?.name].filter((p) => p !== undefined).join('.').toLowerCase()
    : undefined;
  const column = name === undefined ? undefined : COLUMNS[target][name];
  if (column === undefined) {
    const shown = [sortBy.uri, sortBy.attribute].filter((p) => p !== undefined).join(':') + (sortBy.subAttribute ? `.${sortBy.subAttribute}` : '');
    throw new ScimError(400, 'invalidValue', `sortBy "${shown}" is not a sortable attribute of ${target === 'users' ? 'User' : 'Group'}.`);
  }
  return { expression: sql.ref(`${target}.${column}`), descending, fingerprint: `${name}:${descending ? 'd' : 'a'}` };
}
