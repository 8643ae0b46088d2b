/** One user: readable attributes, the raw SCIM JSON, groups, role and the user's own history. */
import { useQuery } from '@tanstack/react-query';
import { api, orgPath, query } from '../api/client';
import type { AuditEventList, SchemaExtensionList, ScimResource } from '../api/types';
import { useAuth } from '../auth';
import { ExtensionAttributes } from '../components/extension-attributes';
import { HistoryTable } from '../components/history-table';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager } from '../components/ui';
import { Link } from '../router';
import { createdOf, extensionsOf, groupsOf, isActive, personNameOf, primaryEmailOf, roleOf, updatedOf, userNameOf } from '../scim';
import type { OrgPageProps } from './org-shell';

export function UserPage({ org, params }: OrgPageProps) {
  const userId = params['userId'] ?? '';
  const { can } = useAuth();
  const user = useQuery({ queryKey: ['user', org.id, userId], queryFn: () => api<ScimResource>('GET', orgPath(org.id, `/users/${encodeURIComponent(userId)}`)) });
  // Only for the schemas' names above their attributes; without the scope the URN's last parts are used.
  const schemas = useQuery({
    queryKey: ['schemas', org.id],
    queryFn: () => api<SchemaExtensionList>('GET', orgPath(org.id, '/schemas')),
    enabled: can('schemas:read'),
  });
  const base = `/orgs/${encodeURIComponent(org.id)}`;
  if (user.isPending) return <Loading what="Loading the user" />;
  if (user.isError)
    return (
      <>
        <PageHeader title="User not found" />
        <ErrorMessage error={user.error} title="Cannot show this user" />
        <Link to={`${base}/users`}>Back to Users</Link>
      </>
    );
  const u = user.data;
  const groups = groupsOf(u);
  return (
    <>
      <p className="nav-back">
        <Link to={`${base}/users`}>← Users</Link>
      </p>
      <PageHeader title={userNameOf(u)} />
      <div className="grid-2">
        <section className="card" aria-labelledby="user-attrs">
          <h2 id="user-attrs">Attributes</h2>
          <dl className="props">
            <dt>userName</dt>
            <dd>{userNameOf(u)}</dd>
            <dt>Name</dt>
            <dd>{personNameOf(u)}</dd>
            <dt>E-mail</dt>
            <dd>{primaryEmailOf(u) ?? '—'}</dd>
            <dt>Role</dt>
            <dd>{roleOf(u)}</dd>
            <dt>Active</dt>
            <dd>{isActive(u) ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Inactive</Badge>}</dd>
            <dt>externalId</dt>
            <dd className="mono">{typeof u['externalId'] === 'string' ? u['externalId'] : '—'}</dd>
            <dt>id</dt>
            <dd className="mono">{u.id}</dd>
            <dt>Created</dt>
            <dd>
              <Time value={createdOf(u)} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <Time value={updatedOf(u)} />
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="user-groups">
          <h2 id="user-groups">Groups</h2>
          {groups.length === 0 ? (
            <Empty>Not a member of any group.</Empty>
          ) : (
            <ul>
              {groups.map((g) => (
                <li key={g.value}>{can('groups:read') ? <Link to={`${base}/groups/${encodeURIComponent(g.value)}`}>{g.display}</Link> : g.display}</li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <ExtensionAttributes extensions={extensionsOf(u)} schemas={schemas.data?.items} />
      <section className="card" aria-labelledby="user-raw">
        <h2 id="user-raw">Raw JSON</h2>
        <details>
          <summary>Show the SCIM resource as the API returns it</summary>
          <pre className="json" tabIndex={0}>
            {JSON.stringify(u, null, 2)}
          </pre>
        </details>
      </section>
      {can('audit:read') ? <UserHistory orgId={org.id} userId={userId} /> : null}
    </>
  );
}

function UserHistory({ orgId, userId }: { orgId: string; userId: string }) {
  const pager = usePager();
  const history = useQuery({
    queryKey: ['user-history', orgId, userId, pager.cursor],
    queryFn: () => api<AuditEventList>('GET', orgPath(orgId, `/users/${encodeURIComponent(userId)}/history${query({ cursor: pager.cursor, count: 20 })}`)),
    placeholderData: (previous) => previous,
  });
  return (
    <section aria-labelledby="user-history">
      <h2 id="user-history">History</h2>
      {history.isPending ? (
        <Loading what="Loading the history" />
      ) : history.isError ? (
        <ErrorMessage error={history.error} title="Could not load the history" />
      ) : history.data.items.length === 0 ? (
        <Empty>No history for this user.</Empty>
      ) : (
        <HistoryTable events={history.data.items} orgId={orgId} caption="History of this user" />
      )}
      <Pager pager={pager} nextCursor={history.data?.nextCursor} label="History" />
    </section>
  );
}
