/** An organization's workspace: its navigation (only what the caller may see) and its pages. */
import { useQuery } from '@tanstack/react-query';
import { Suspense, type ReactNode } from 'react';
import { api, orgPath } from '../api/client';
import type { Organization } from '../api/types';
import { Frame } from '../components/frame';
import { useAuth, useCaller } from '../auth';
import { ErrorMessage, Loading } from '../components/ui';
import { Link, match } from '../router';
import { inNav, pages, type OrgPage } from './org-pages';

export interface OrgPageProps {
  readonly org: Organization;
  readonly params: Record<string, string>;
}

export function OrgShell({ orgId, rest }: { orgId: string; rest: string }) {
  const { can } = useAuth();
  const caller = useCaller();
  const org = useQuery({ queryKey: ['org', orgId], queryFn: () => api<Organization>('GET', orgPath(orgId)) });
  const visible = pages.filter((p) => (p.operatorOnly ? caller.kind === 'operator' : can(p.scope)));
  const current = rest === '' ? (visible[0] ? { page: visible[0], params: {} } : undefined) : findPage(visible, rest);

  const nav = (
    <>
      {caller.kind === 'operator' ? (
        <p className="nav-back">
          <Link to="/orgs">← All organizations</Link>
        </p>
      ) : null}
      <p className="nav-org">{org.data?.name ?? orgId}</p>
      <ul>
        {visible
          .filter(inNav)
          .map((p) => (
            <li key={p.path}>
              <Link to={`/orgs/${encodeURIComponent(orgId)}/${p.path}`} aria-current={current !== undefined && section(current.page) === section(p) ? 'page' : undefined}>
                {p.title}
              </Link>
            </li>
          ))}
      </ul>
    </>
  );

  let body: ReactNode;
  if (org.isPending) body = <Loading what="Loading the organization" />;
  else if (org.isError)
    body = (
      <>
        <h1 tabIndex={-1}>Organization not found</h1>
        <ErrorMessage error={org.error} title="Cannot open this organization" />
      </>
    );
  else if (current === undefined)
    body = (
      <>
        <h1 tabIndex={-1}>Page not found</h1>
        <p>This page does not exist or your access does not include it.</p>
      </>
    );
  else {
    const Page = current.page.component;
    body = (
      <Suspense fallback={<Loading what={`Loading ${current.page.title}`} />}>
        <Page org={org.data} params={current.params} />
      </Suspense>
    );
  }
  return <Frame nav={nav}>{body}</Frame>;
}

/** `users` for both `users` and `users/:userId`; `settings/security` and `settings/schemas` stay apart. */
const section = (page: OrgPage): string => page.path.split('/:')[0] ?? page.path;

function findPage(visible: readonly OrgPage[], rest: string): { page: OrgPage; params: Record<string, string> } | undefined {
  for (const page of visible) {
    const params = match(`/${page.path}`, `/${rest}`);
    if (params) return { page, params };
  }
  return undefined;
}
