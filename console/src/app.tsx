/** The console's shell: session bootstrapping, the sign-in gate and the page routes. */
import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, orgPath, storeSetupToken } from './api/client';
import type { Organization } from './api/types';
import { useAuth, useCaller } from './auth';
import { Frame } from './components/frame';
import { Loading } from './components/ui';
import { Link, match, navigate, useLocation } from './router';
import { OrganizationsPage } from './pages/organizations';
import { OrgShell } from './pages/org-shell';
import { SignInPage } from './pages/sign-in';
import { fetchUsers, usersKey } from './pages/users-query';

/** Takes a setup link's token out of the URL fragment into sessionStorage (once, on load). */
function adoptSetupToken(): void {
  if (!window.location.pathname.replace(/\/+$/, '').endsWith('/console/setup')) return;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) storeSetupToken(token);
  // The token must not stay in the address bar, the history or a bookmark.
  window.history.replaceState(null, '', '/console/setup');
}

export function App() {
  const { state, refresh } = useAuth();
  const client = useQueryClient();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    adoptSetupToken();
    // A deep link into an organization: fetch it while the session is checked, not after.
    const deep = /^\/console\/orgs\/([^/]+)(\/users)?\/?$/.exec(window.location.pathname) ?? /^\/console\/orgs\/([^/]+)/.exec(window.location.pathname);
    const orgId = deep?.[1];
    if (orgId !== undefined) {
      const id = decodeURIComponent(orgId);
      void client.prefetchQuery({ queryKey: ['org', id], queryFn: () => api<Organization>('GET', orgPath(id), undefined, { quiet401: true }) });
      // The Users page's rows too: with all three in flight at once the page renders as soon as they are back.
      if (deep?.[2] !== undefined) void client.prefetchQuery({ queryKey: usersKey(id, undefined, undefined), queryFn: () => fetchUsers(id, undefined, undefined, { quiet401: true }) });
    }
    void refresh();
  }, [refresh, client]);

  if (state.status === 'loading') return <Loading what="Loading the console" />;
  if (state.status === 'signedOut') return <SignInPage message={state.message} />;
  return <SignedIn />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function SignedIn() {
  const caller = useCaller();
  const { path } = useLocation();
  const home = caller.orgId === null ? '/orgs' : `/orgs/${encodeURIComponent(caller.orgId)}`;
  if (path === '/' || path === '/setup' || path === '/signin') return <Redirect to={home} />;
  if (path === '/orgs') {
    if (caller.kind !== 'operator') return <Redirect to={home} />;
    return (
      <Frame>
        <OrganizationsPage />
      </Frame>
    );
  }
  const org = match('/orgs/:orgId', path.split('/').slice(0, 3).join('/'));
  if (org?.['orgId'] !== undefined) {
    const rest = path.split('/').slice(3).join('/');
    return <OrgShell orgId={org['orgId']} rest={rest} />;
  }
  return (
    <Frame>
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. <Link to={home}>Go to the start page</Link>.
      </p>
    </Frame>
  );
}

