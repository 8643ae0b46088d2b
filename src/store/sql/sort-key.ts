/**
 * The sort key of a listing (RFC 7644 §3.4.2.3): the SQL expression of `sortBy` from the sort
 * compiler (src/store/sort.ts), its direction, and a fingerprint so a cursor is only accepted for
 * the ordering it was made for.
 */
import type { Expression } from 'kysely';
import type { AttributePath } from '../../core/filter/nodes.ts';
import type { ResourceSchemas } from '../../core/schema/types.ts';
import { sortExpression } from '../sort.ts';
import type { SqlContext } from './context.ts';

export interface SortKey {
  readonly expression: Expression<unknown>;
  readonly descending: boolean;
  readonly fingerprint: string;
}

/** The key for `sortBy`/`sortOrder`; unsortable attributes are rejected (400) by `sortExpression`. */
export function sortKey(
  ctx: SqlContext,
  target: 'users' | 'groups',
  schemas: ResourceSchemas,
  sortBy: AttributePath,
  sortOrder: 'ascending' | 'descending' | undefined,
): SortKey {
  const descending = sortOrder === 'descending';
  const name = [sortBy.uri, sortBy.attribute, sortBy.subAttribute].filter((p) => p !== undefined).join(':').toLowerCase();
  return {
    expression: sortExpression(sortBy, target, schemas, ctx.caps),
    descending,
    fingerprint: `${name}:${descending ? 'd' : 'a'}`,
  };
}
