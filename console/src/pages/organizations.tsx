/** Operators: every organization, searchable and paged by the server; create, rename, delete. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, orgPath, query } from '../api/client';
import type { Organization, OrganizationList } from '../api/types';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager } from '../components/ui';
import { useDebounced } from '../hooks';
import { Link, navigate } from '../router';

const PAGE = 25;

export function OrganizationsPage() {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim());
  const pager = usePager(term);
  const list = useQuery({
    queryKey: ['orgs', term, pager.cursor],
    queryFn: () => api<OrganizationList>('GET', `/organizations${query({ search: term, cursor: pager.cursor, count: PAGE })}`),
    placeholderData: (previous) => previous,
  });
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Organization | null>(null);
  const [deleting, setDeleting] = useState<Organization | null>(null);

  return (
    <>
      <PageHeader title="Organizations">
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          Create organization
        </button>
      </PageHeader>
      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor="org-search">Search organizations</label>
          <input id="org-search" type="search" placeholder="Name or slug" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      {list.isPending ? (
        <Loading what="Loading organizations" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} title="Could not load the organizations" />
      ) : list.data.items.length === 0 ? (
        <Empty>{term === '' ? 'No organizations yet. Create the first one.' : `No organization matches “${term}”.`}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Organizations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">SCIM</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((org) => (
                <tr key={org.id}>
                  <td>
                    <Link to={`/orgs/${encodeURIComponent(org.id)}`}>{org.name}</Link>
                  </td>
                  <td className="mono">{org.slug}</td>
                  <td>{org.scimEnabled ? <Badge tone="ok">On</Badge> : <Badge tone="muted">Off</Badge>}</td>
                  <td>
                    <Time value={org.createdAt} />
                  </td>
                  <td className="actions">
                    <button type="button" className="button button-small" aria-label={`Rename ${org.name}`} onClick={() => setRenaming(org)}>
                      Rename
                    </button>
                    <button type="button" className="button button-small button-danger" aria-label={`Delete ${org.name}`} onClick={() => setDeleting(org)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} label="Organization" />
      <CreateDialog open={creating} onClose={() => setCreating(false)} />
      <RenameDialog org={renaming} onClose={() => setRenaming(null)} />
      <DeleteDialog org={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function CreateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api<Organization>('POST', '/organizations', { name }),
    onSuccess: (org) => {
      void client.invalidateQueries({ queryKey: ['orgs'] });
      setName('');
      onClose();
      navigate(`/orgs/${encodeURIComponent(org.id)}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog open={open} title="Create organization" onClose={onClose}>
      <form onSubmit={submit}>
        <div className="dialog-body">
          <div className="field">
            <label htmlFor="new-org-name">Name</label>
            <input id="new-org-name" data-autofocus required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          {create.isError ? <ErrorMessage error={create.error} title="Could not create the organization" /> : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ org, onClose }: { org: Organization | null; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  useEffect(() => setName(org?.name ?? ''), [org]);
  const rename = useMutation({
    mutationFn: () => api<Organization>('PATCH', orgPath(org?.id ?? ''), { name }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['orgs'] });
      void client.invalidateQueries({ queryKey: ['org', org?.id] });
      onClose();
    },
  });
  return (
    <Dialog open={org !== null} title={`Rename ${org?.name ?? ''}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate();
        }}
      >
        <div className="dialog-body">
          <div className="field">
            <label htmlFor="rename-org">New name</label>
            <input id="rename-org" data-autofocus required value={name} onChange={(e) => setName(e.target.value)} />
            <p className="hint">The Organization ID, the slug and the Tenant URL stay the same.</p>
          </div>
          {rename.isError ? <ErrorMessage error={rename.error} title="Could not rename" /> : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={rename.isPending}>
            Rename
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ org, onClose }: { org: Organization | null; onClose: () => void }) {
  const client = useQueryClient();
  const [typed, setTyped] = useState('');
  useEffect(() => setTyped(''), [org]);
  const remove = useMutation({
    mutationFn: () => api('DELETE', orgPath(org?.id ?? '')),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['orgs'] });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      open={org !== null}
      title={`Delete ${org?.name ?? ''}?`}
      confirmLabel="Delete organization"
      onConfirm={() => remove.mutate()}
      onClose={onClose}
      busy={remove.isPending}
      confirmDisabled={typed !== org?.name}
    >
      <p>
        This deletes the organization with all its users, groups, keys, roles and history. Its identity provider will get errors from the next request. This cannot be
        undone.
      </p>
      <div className="field">
        <label htmlFor="delete-org-confirm">Type the organization's name ({org?.name}) to confirm</label>
        <input id="delete-org-confirm" data-autofocus autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </div>
      {remove.isError ? <ErrorMessage error={remove.error} title="Could not delete" /> : null}
    </ConfirmDialog>
  );
}
