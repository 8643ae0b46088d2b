/** Roles (what SCIM `userType` names) and Members (users whose role is not Employee). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, orgPath, query } from '../api/client';
import type { ResourceList, Role, RoleList } from '../api/types';
import { useAuth } from '../auth';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager } from '../components/ui';
import { Link } from '../router';
import { isActive, personNameOf, roleOf, updatedOf, userNameOf } from '../scim';
import type { OrgPageProps } from './org-shell';

export function RolesPage({ org }: OrgPageProps) {
  const { can } = useAuth();
  const roles = useQuery({ queryKey: ['roles', org.id], queryFn: () => api<RoleList>('GET', orgPath(org.id, '/roles')) });
  const [editing, setEditing] = useState<{ role?: Role } | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const writable = can('roles:write');
  return (
    <>
      <PageHeader title="Roles">
        {writable ? (
          <button type="button" className="button button-primary" onClick={() => setEditing({})}>
            Create role
          </button>
        ) : null}
      </PageHeader>
      <p className="lead">
        A user's role is the SCIM <code>userType</code> your identity provider sends; it must name one of these roles exactly. Custom roles can be renamed or deleted while
        no user holds them.
      </p>
      {roles.isPending ? (
        <Loading what="Loading roles" />
      ) : roles.isError ? (
        <ErrorMessage error={roles.error} title="Could not load the roles" />
      ) : roles.data.items.length === 0 ? (
        <Empty>No roles.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Roles</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Kind</th>
                <th scope="col">Users</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {roles.data.items.map((role) => (
                <tr key={role.id}>
                  <td>{role.name}</td>
                  <td>{role.description ?? '—'}</td>
                  <td>{role.predefined ? <Badge tone="info">Predefined</Badge> : <Badge tone="muted">Custom</Badge>}</td>
                  <td>{role.users.toLocaleString()}</td>
                  <td className="actions">
                    {writable && !role.predefined && role.users === 0 ? (
                      <>
                        <button type="button" className="button button-small" aria-label={`Rename ${role.name}`} onClick={() => setEditing({ role })}>
                          Rename
                        </button>
                        <button type="button" className="button button-small button-danger" aria-label={`Delete ${role.name}`} onClick={() => setDeleting(role)}>
                          Delete
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RoleDialog orgId={org.id} editing={editing} onClose={() => setEditing(null)} />
      <DeleteRoleDialog orgId={org.id} role={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function RoleDialog({ orgId, editing, onClose }: { orgId: string; editing: { role?: Role } | null; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [shownFor, setShownFor] = useState<typeof editing>(null);
  if (editing !== shownFor) {
    setShownFor(editing);
    setName(editing?.role?.name ?? '');
    setDescription('');
  }
  const role = editing?.role;
  const save = useMutation({
    mutationFn: () =>
      role ? api<Role>('PATCH', orgPath(orgId, `/roles/${encodeURIComponent(role.id)}`), { name }) : api<Role>('POST', orgPath(orgId, '/roles'), { name, description: description || null }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['roles', orgId] });
      onClose();
    },
  });
  return (
    <Dialog open={editing !== null} title={role ? `Rename ${role.name}` : 'Create role'} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="dialog-body">
          <div className="field">
            <label htmlFor="role-name">Name</label>
            <input id="role-name" data-autofocus required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          {role ? null : (
            <div className="field">
              <label htmlFor="role-description">Description (optional)</label>
              <input id="role-description" value={description} onChange={(e) => setDescription(e.target.value)} />
            </div>
          )}
          {save.isError ? <ErrorMessage error={save.error} title="Could not save the role" /> : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {role ? 'Rename' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteRoleDialog({ orgId, role, onClose }: { orgId: string; role: Role | null; onClose: () => void }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (r: Role) => api('DELETE', orgPath(orgId, `/roles/${encodeURIComponent(r.id)}`)),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['roles', orgId] });
      onClose();
    },
  });
  return (
    <ConfirmDialog open={role !== null} title={`Delete the role ${role?.name ?? ''}?`} confirmLabel="Delete role" onConfirm={() => role && remove.mutate(role)} onClose={onClose} busy={remove.isPending}>
      <p>No user holds this role. Identity providers that send it as userType will get an error afterwards.</p>
      {remove.isError ? <ErrorMessage error={remove.error} title="Could not delete the role" /> : null}
    </ConfirmDialog>
  );
}

export function MembersPage({ org }: OrgPageProps) {
  const pager = usePager();
  const members = useQuery({
    queryKey: ['members', org.id, pager.cursor],
    queryFn: () => api<ResourceList>('GET', orgPath(org.id, `/members${query({ cursor: pager.cursor, count: 50 })}`)),
    placeholderData: (previous) => previous,
  });
  const base = `/orgs/${encodeURIComponent(org.id)}`;
  return (
    <>
      <PageHeader title="Members" />
      <p className="lead">Users whose role is anything but Employee.</p>
      {members.isPending ? (
        <Loading what="Loading members" />
      ) : members.isError ? (
        <ErrorMessage error={members.error} title="Could not load the members" />
      ) : members.data.items.length === 0 ? (
        <Empty>Every user has the Employee role.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Members</caption>
            <thead>
              <tr>
                <th scope="col">userName</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Active</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((user) => (
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
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={members.data?.nextCursor} label="Members" />
    </>
  );
}
