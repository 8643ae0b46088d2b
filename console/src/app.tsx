/** The console's shell: the sign-in gate and the page routes (boot.ts starts the first requests). */
import { useEffect, useRef } from 'react';
import { useAuth, useCaller } from './auth';
import { Frame } from './components/frame';
import { Loading } from './components/ui';
import { Link, match, navigate, useLocation } from './router';
import { OrganizationsPage } from './pages/organizations';
import { OrgShell } from './pages/org-shell';
import { SignInPage } from './pages/sign-in';

export function App() {
  const { state, refresh } = useAuth();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // boot.ts already asked who the caller is; refresh() takes that answer.
    void refresh();
  }, [refresh]);

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

