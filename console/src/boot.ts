/**
 * What the console does before React first renders: it takes a setup link's token out of the URL,
 * then starts the requests a deep link will need — who the caller is, the organization and, on the
 * Users page, the first rows — all at once, so they are on their way while React starts up.
 */
import type { QueryClient } from '@tanstack/react-query';
import { api, orgPath, storeSetupToken } from './api/client';
import type { Caller, Organization } from './api/types';
import { fetchUsers, usersKey } from './pages/users-query';

let session: Promise<Caller> | null = null;

/** Takes a setup link's token out of the URL fragment into sessionStorage. */
function adoptSetupToken(): void {
  if (!window.location.pathname.replace(/\/+$/, '').endsWith('/console/setup')) return;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) storeSetupToken(token);
  // The token must not stay in the address bar, the history or a bookmark.
  window.history.replaceState(null, '', '/console/setup');
}

/** Runs once, from main.tsx, before the first render. */
export function boot(client: QueryClient): void {
  adoptSetupToken();
  session = api<Caller>('GET', '/session', undefined, { quiet401: true });
  // Whoever takes the promise handles its failure; until then it must not count as unhandled.
  session.catch(() => undefined);
  const deep = /^\/console\/orgs\/([^/]+)(\/users)?\/?$/.exec(window.location.pathname) ?? /^\/console\/orgs\/([^/]+)/.exec(window.location.pathname);
  const orgId = deep?.[1];
  if (orgId === undefined) return;
  const id = decodeURIComponent(orgId);
  void client.prefetchQuery({ queryKey: ['org', id], queryFn: () => api<Organization>('GET', orgPath(id), undefined, { quiet401: true }) });
  if (deep?.[2] !== undefined) void client.prefetchQuery({ queryKey: usersKey(id, undefined, undefined), queryFn: () => fetchUsers(id, undefined, undefined, { quiet401: true }) });
}

/** The session request boot started, the first time it is asked for; null afterwards. */
export function takeBootSession(): Promise<Caller> | null {
  const started = session;
  session = null;
  return started;
}
