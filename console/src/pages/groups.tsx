/** Groups (paged by the server, without members) and one group with its members paged by the server. */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, orgPath, query } from '../api/client';
import type { MemberList, ResourceList, ScimResource } from '../api/types';
import { useAuth } from '../auth';
import { Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager } from '../components/ui';
import { Link } from '../router';
import { createdOf, groupNameOf, scimString, updatedOf } from '../scim';
import type { OrgPageProps } from './org-shell';

export function GroupsPage({ org }: OrgPageProps) {
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<string | undefined>(undefined);
  const pager = usePager(filter ?? '');
  const groups = useQuery({
    queryKey: ['groups', org.id, filter, pager.cursor],
    queryFn: () => api<ResourceList>('GET', orgPath(org.id, `/groups${query({ filter, cursor: pager.cursor, count: 50 })}`)),
    placeholderData: (previous) => previous,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter(text.trim() === '' ? undefined : `displayName co ${scimString(text.trim())}`);
  };
  const base = `/orgs/${encodeURIComponent(org.id)}`;
  return (
    <>
      <PageHeader title="Groups" />
      <form className="toolbar" onSubmit={submit} role="search" aria-label="Groups">
        <div className="field field-inline">
          <label htmlFor="group-search">Search groups by name</label>
          <input id="group-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className="button button-primary">
          Search
        </button>
      </form>
      {groups.isPending ? (
        <Loading what="Loading groups" />
      ) : groups.isError ? (
        <ErrorMessage error={groups.error} title="Could not load the groups" />
      ) : groups.data.items.length === 0 ? (
        <Empty>{filter === undefined ? 'No groups yet. They appear here once your identity provider pushes them.' : 'No group matches this search.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Groups</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">externalId</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((group) => (
                <tr key={group.id}>
                  <td>
                    <Link to={`${base}/groups/${encodeURIComponent(group.id)}`}>{groupNameOf(group)}</Link>
                  </td>
                  <td className="mono">{typeof group['externalId'] === 'string' ? group['externalId'] : '—'}</td>
                  <td>
                    <Time value={updatedOf(group)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={groups.data?.nextCursor} label="Groups" />
    </>
  );
}

export function GroupPage({ org, params }: OrgPageProps) {
  const groupId = params['groupId'] ?? '';
  const { can } = useAuth();
  const group = useQuery({ queryKey: ['group', org.id, groupId], queryFn: () => api<ScimResource>('GET', orgPath(org.id, `/groups/${encodeURIComponent(groupId)}`)) });
  const pager = usePager();
  const members = useQuery({
    queryKey: ['group-members', org.id, groupId, pager.cursor],
    queryFn: () => api<MemberList>('GET', orgPath(org.id, `/groups/${encodeURIComponent(groupId)}/members${query({ cursor: pager.cursor, count: 50 })}`)),
    placeholderData: (previous) => previous,
  });
  const base = `/orgs/${encodeURIComponent(org.id)}`;
  if (group.isPending) return <Loading what="Loading the group" />;
  if (group.isError)
    return (
      <>
        <PageHeader title="Group not found" />
        <ErrorMessage error={group.error} title="Cannot show this group" />
        <Link to={`${base}/groups`}>Back to Groups</Link>
      </>
    );
  const g = group.data;
  return (
    <>
      <p className="nav-back">
        <Link to={`${base}/groups`}>← Groups</Link>
      </p>
      <PageHeader title={groupNameOf(g)} />
      <section className="card" aria-labelledby="group-attrs">
        <h2 id="group-attrs">Attributes</h2>
        <dl className="props">
          <dt>displayName</dt>
          <dd>{groupNameOf(g)}</dd>
          <dt>externalId</dt>
          <dd className="mono">{typeof g['externalId'] === 'string' ? g['externalId'] : '—'}</dd>
          <dt>id</dt>
          <dd className="mono">{g.id}</dd>
          <dt>Created</dt>
          <dd>
            <Time value={createdOf(g)} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time value={updatedOf(g)} />
          </dd>
        </dl>
      </section>
      <section aria-labelledby="group-members">
        <h2 id="group-members">Members</h2>
        {members.isPending ? (
          <Loading what="Loading members" />
        ) : members.isError ? (
          <ErrorMessage error={members.error} title="Could not load the members" />
        ) : members.data.items.length === 0 ? (
          <Empty>This group has no members.</Empty>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Members of {groupNameOf(g)}</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Type</th>
                  <th scope="col">id</th>
                </tr>
              </thead>
              <tbody>
                {members.data.items.map((m) => (
                  <tr key={m.value}>
                    <td>
                      {m.type === 'User' && can('users:read') ? (
                        <Link to={`${base}/users/${encodeURIComponent(m.value)}`}>{m.display ?? m.value}</Link>
                      ) : m.type === 'Group' ? (
                        <Link to={`${base}/groups/${encodeURIComponent(m.value)}`}>{m.display ?? m.value}</Link>
                      ) : (
                        (m.display ?? m.value)
                      )}
                    </td>
                    <td>{m.type}</td>
                    <td className="mono">{m.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager pager={pager} nextCursor={members.data?.nextCursor} label="Members" />
      </section>
    </>
  );
}
