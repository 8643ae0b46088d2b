/**
 * Turns a parsed listing request (core `ListQuery`: text filter, sortBy, paging) into the store's
 * query (filter AST, sort path), applying the server's filter limits (RFC 7644 §3.4.2).
 */
import { splitAttributePath } from '../core/filter/attribute-path.ts';
import type { FilterOptions } from '../core/filter/parser.ts';
import { parseFilter } from '../core/filter/parser.ts';
import type { ListQuery as ScimListQuery } from '../core/messages/search-request.ts';
import { resolveAttribute } from '../core/schema/resolve.ts';
import type { ResourceSchemas } from '../core/schema/types.ts';
import { badRequest } from '../core/scim-error.ts';
import type { ListQuery as StoreListQuery } from '../store/store.ts';

/**
 * Builds the store query for a SCIM listing; bad filters and sort attributes are 400s. `options`
 * carries the filter limits and, for the lenient profile, `bareWords`.
 */
export function toStoreQuery(query: ScimListQuery, schemas: ResourceSchemas, options: FilterOptions): StoreListQuery {
  const filter = query.filter === undefined || query.filter.trim() === '' ? undefined : parseFilter(query.filter, options);
  let sortBy;
  if (query.sortBy !== undefined && query.sortBy !== '') {
    const split = splitAttributePath(query.sortBy);
    if (!split.ok) throw badRequest('invalidValue', `sortBy: ${split.reason}`);
    if (!resolveAttribute(schemas, split.path)) {
      throw badRequest('invalidValue', `sortBy: "${query.sortBy}" is not an attribute of ${schemas.resourceType.name}`);
    }
    sortBy = split.path;
  }
  return {
    schemas,
    count: query.count,
    ...(filter ? { filter } : {}),
    ...(sortBy ? { sortBy, sortOrder: query.sortOrder ?? 'ascending' } : {}),
    ...(query.cursor === undefined ? { startIndex: query.startIndex } : { cursor: query.cursor }),
  };
}
