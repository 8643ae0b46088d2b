/**
 * Read access to the provisioned directory for the host application (issue 5, item 8): the members
 * of a group, a page at a time in member-id order with an opaque cursor, so a 100,000-member group
 * is read in constant-size pages and never loaded whole. Users and groups themselves are read
 * through the SCIM services (scim-users.ts, scim-groups.ts).
 */
import { ScimError } from '../core/scim-error.ts';
import type { MemberRecord } from '../store/rows.ts';
import type { Store } from '../store/store.ts';

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

/** Creates the directory read service. */
export function createDirectoryService(deps: { readonly store: Store }) {
  const { store } = deps;
  return {
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
