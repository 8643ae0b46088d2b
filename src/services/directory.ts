/**
 * Read access to the provisioned directory for the host application: users and
 * groups a page at a time with a SCIM filter and an opaque cursor (RFC 9865), and the members of a
 * group in member-id order, so a 100,000-member group is read in constant-size pages and never
 * loaded whole. Only the first page of a listing counts `totalResults`: counting every page would
 * make each page of a large organization cost a scan of all of it.
 */
import type { FilterLimits } from '../core/filter/parser.ts';
import type { ResourceSchemas, ScimResource } from '../core/schema/types.ts';
import { ScimError } from '../core/scim-error.ts';
import type { MemberRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { toStoreQuery } from './listing.ts';

/** A page of a group's members. */
export interface MemberPage {
  readonly members: readonly MemberRecord[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

const encode = (memberId: string) => Buffer.from(`m:${memberId}`, 'utf8').toString('base64url');

function decode(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('m:') || text.length < 3) {
    throw new ScimError(400, 'invalidValue', 'The cursor is not valid for this listing; start again without a cursor value.');
  }
  return text.slice(2);
}

/** A page of users or groups (their stored SCIM resources). */
export interface DirectoryPage {
  readonly resources: readonly ScimResource[];
  /** On the first page only. */
  readonly totalResults?: number;
  readonly nextCursor?: string;
}

/** A listing request: an optional SCIM filter, a page size and the cursor of the previous page. */
export interface DirectoryQuery {
  readonly filter?: string;
  readonly count: number;
  readonly cursor?: string;
  /** Count `totalResults` on the first page (default true); false returns the rows without the COUNT. */
  readonly withTotal?: boolean;
}

export interface DirectoryServiceDeps {
  readonly store: Store;
  /** The User and Group schemas of an organization (filters are resolved against them). */
  readonly userSchemas: (orgId: string) => ResourceSchemas | Promise<ResourceSchemas>;
  readonly groupSchemas: (orgId: string) => ResourceSchemas | Promise<ResourceSchemas>;
  readonly filterLimits?: FilterLimits;
}

/** Creates the directory read service. */
export function createDirectoryService(deps: DirectoryServiceDeps) {
  const { store } = deps;
  const limits = deps.filterLimits ?? {};

  function storeQuery(query: DirectoryQuery, schemas: ResourceSchemas) {
    const cursor = query.cursor ?? '';
    const scim = { attributes: [], excludedAttributes: [], startIndex: 1, count: query.count, cursor, ...(query.filter === undefined ? {} : { filter: query.filter }) };
    return { ...toStoreQuery(scim, schemas, limits), includeTotal: cursor === '' && query.withTotal !== false };
  }

  function pageOf(page: { resources: readonly { resource: ScimResource }[]; totalResults?: number; nextCursor?: string }): DirectoryPage {
    return {
      resources: page.resources.map((r) => r.resource),
      ...(page.totalResults === undefined ? {} : { totalResults: page.totalResults }),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  }

  return {
    /** A page of the organization's users in id order (filter: SCIM filter syntax, RFC 7644 §3.4.2.2). */
    listUsers: async (orgId: string, query: DirectoryQuery): Promise<DirectoryPage> =>
      pageOf(await store.users.list(orgId, storeQuery(query, await deps.userSchemas(orgId)))),

    /** A page of the organization's groups in id order, without their members. */
    listGroups: async (orgId: string, query: DirectoryQuery): Promise<DirectoryPage> =>
      pageOf(await store.groups.list(orgId, storeQuery(query, await deps.groupSchemas(orgId)))),

    /** One page of the group's direct members (404 for a group not in the organization). */
    async groupMembers(orgId: string, groupId: string, page: { readonly cursor?: string; readonly count: number }): Promise<MemberPage> {
      if (!(await store.groups.get(orgId, groupId))) throw new ScimError(404, undefined, `Group "${groupId}" not found`);
      const after = page.cursor === undefined || page.cursor === '' ? undefined : decode(page.cursor);
      const rows = await store.groups.listMembers(orgId, groupId, { limit: page.count + 1, ...(after === undefined ? {} : { after }) });
      const members = rows.slice(0, page.count);
      const last = members[members.length - 1];
      return rows.length > page.count && last ? { members, nextCursor: encode(last.value) } : { members };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
