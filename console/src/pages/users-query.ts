/**
 * The Users page's first request, shared by the page and the boot code: a deep link to
 * `/orgs/<id>/users` starts it while the session and the organization are still being fetched, so
 * the rows do not wait for two round trips and a render before they are even asked for.
 */
import { api, orgPath, query } from '../api/client';
import type { ResourceList } from '../api/types';

/** Rows per page. */
export const USERS_PAGE = 50;

/** The query key of a page of users (`filter` and `cursor` undefined: the first page, unfiltered). */
export const usersKey = (orgId: string, filter: string | undefined, cursor: string | undefined) => ['users', orgId, filter, cursor] as const;

/** A page of users without the organization's count (`total=false`): the count is asked for afterwards. */
export const fetchUsers = (orgId: string, filter: string | undefined, cursor: string | undefined, options: { quiet401?: boolean } = {}): Promise<ResourceList> =>
  api<ResourceList>('GET', orgPath(orgId, `/users${query({ filter, cursor, count: USERS_PAGE, total: 'false' })}`), undefined, options);
