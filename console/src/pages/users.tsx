/** Users: searched and paged by the server (SCIM filter, keyset cursor), so a million users open as fast as ten. */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, orgPath, query } from '../api/client';
import type { ResourceList, SchemaExtensionList } from '../api/types';
import { useAuth } from '../auth';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager } from '../components/ui';
import { Link } from '../router';
import { ENTERPRISE_USER, extensionValueOf, isActive, personNameOf, roleOf, updatedOf, userFilter, userNameOf, type UserSearchField } from '../scim';
import type { OrgPageProps } from './org-shell';
import { fetchUsers, usersKey } from './users-query';

const FIELDS: { value: UserSearchField; label: string }[] = [
  { value: 'userName', label: 'userName' },
  { value: 'name', label: 'Name' },
  { value: 'email', label: 'E-mail' },
  { value: 'externalId', label: 'externalId' },
  { value: 'filter', label: 'SCIM filter' },
];

export function UsersPage({ org }: OrgPageProps) {
  const [field, setField] = useState<UserSearchField>('userName');
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<string | undefined>(undefined);
  const pager = usePager(filter ?? '');
  // The rows come without the count, and the count is asked for once the rows are there: SQLite
  // answers one query at a time, so a COUNT over a million users sent alongside would hold the
  // rows back for as long as it runs.
  const users = useQuery({
    queryKey: usersKey(org.id, filter, pager.cursor),
    queryFn: () => fetchUsers(org.id, filter, pager.cursor),
    placeholderData: (previous) => previous,
  });
  const total = useQuery({
    queryKey: ['users-total', org.id, filter],
    queryFn: async () => (await api<ResourceList>('GET', orgPath(org.id, `/users${query({ filter, count: 1 })}`))).totalResults,
    enabled: users.isSuccess && !users.isPlaceholderData,
  });

  // An optional extra column with an extension attribute; the organization's schemas are read only
  // once the rows are there, so they never delay them.
  const { can } = useAuth();
  const schemas = useQuery({
    queryKey: ['schemas', org.id],
    queryFn: () => api<SchemaExtensionList>('GET', orgPath(org.id, '/schemas')),
    enabled: users.isSuccess && can('schemas:read'),
  });
  const columns = extraColumns(schemas.data);
  const [extra, setExtra] = useState('');
  const column = columns.find((c) => c.key === extra);

  const shown = users.data !== undefined && users.data.items.length > 0;
  useEffect(() => {
    // The moment the first rows are in the DOM (read by bench/console-users.bench.ts).
    if (shown && performance.getEntriesByName('scimd:users-rows').length === 0) performance.mark('scimd:users-rows');
  }, [shown]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilter(userFilter(field, text));
  };
  const base = `/orgs/${encodeURIComponent(org.id)}`;

  return (
    <>
      <PageHeader title="Users" />
      <form className="toolbar" onSubmit={submit} role="search" aria-label="Users">
        <div className="field field-inline">
          <label htmlFor="user-field">Search by</label>
          <select id="user-field" value={field} onChange={(e) => setField(e.target.value as UserSearchField)}>
            {FIELDS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="user-search">Search users</label>
          <input
            id="user-search"
            type="search"
            className={field === 'filter' ? 'mono' : undefined}
            placeholder={field === 'filter' ? 'userName sw "a" and active eq true' : ''}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary">
          Search
        </button>
        <div className="field field-inline">
          <label htmlFor="user-column">Extra column</label>
          <select id="user-column" value={extra} onChange={(e) => setExtra(e.target.value)}>
            <option value="">None</option>
            {columns.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {total.data === undefined ? null : (
        <p className="hint" role="status">
          {total.data.toLocaleString()} {total.data === 1 ? 'user' : 'users'}
          {filter === undefined ? '' : total.data === 1 ? ' matches' : ' match'}
        </p>
      )}
      {users.isPending ? (
        <Loading what="Loading users" />
      ) : users.isError ? (
        <ErrorMessage error={users.error} title="Could not load the users" />
      ) : users.data.items.length === 0 ? (
        <Empty>{filter === undefined ? 'No users yet. They appear here once your identity provider provisions them.' : 'No user matches this search.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Users</caption>
            <thead>
              <tr>
                <th scope="col">userName</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Active</th>
                <th scope="col">Updated</th>
                {column ? <th scope="col">{column.attribute}</th> : null}
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <tr key={user.id}>
                  <td>
                    <Link to={`${base}/users/${encodeURIComponent(user.id)}`}>{userNameOf(user)}</Link>
                  </td>
                  <td>{personNameOf(user)}</td>
                  <td>{roleOf(user)}</td>
                  <td>{isActive(user) ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Inactive</Badge>}</td>
                  <td>
                    <Time value={updatedOf(user)} />
                  </td>
                  {column ? <td>{extensionValueOf(user, column.urn, column.attribute)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={users.data?.nextCursor} label="Users" />
    </>
  );
}

const ENTERPRISE_ATTRIBUTES = ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'];

/** The extension attributes a user row can show: the Enterprise User ones and those of the organization's User schemas. */
function extraColumns(schemas: SchemaExtensionList | undefined): { key: string; urn: string; attribute: string; label: string }[] {
  const enterprise = ENTERPRISE_ATTRIBUTES.map((attribute) => ({ urn: ENTERPRISE_USER, attribute, label: `${attribute} (Enterprise User)` }));
  const custom = (schemas?.items ?? [])
    .filter((s) => s.resourceType === 'User')
    .flatMap((s) => s.attributes.filter((a) => a.returned !== 'never').map((a) => ({ urn: s.id, attribute: a.name, label: `${a.name} (${s.name})` })));
  return [...enterprise, ...custom].map((c) => ({ ...c, key: `${c.urn}:${c.attribute}` }));
}
