/** Revision history: filtered and paged by the server; "Export CSV" / "Export JSON" download what the filters select. */
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, download, orgPath, query } from '../api/client';
import type { AuditEventList } from '../api/types';
import { HistoryTable } from '../components/history-table';
import { Empty, ErrorMessage, Loading, PageHeader, Pager, usePager } from '../components/ui';
import type { OrgPageProps } from './org-shell';

interface Filters {
  resourceId: string;
  actorType: '' | 'scim' | 'admin' | 'system';
  action: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { resourceId: '', actorType: '', action: '', from: '', to: '' };

const ACTIONS = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.member_added',
  'group.member_removed',
  'group.deleted',
  'key.created',
  'key.revoked',
  'organization.scim_enabled',
  'organization.scim_disabled',
  'organization.policies_updated',
  'setup_link.created',
  'setup_link.revoked',
];

/** `datetime-local` (the reader's time zone) → ISO 8601 UTC. */
const iso = (local: string): string | undefined => (local === '' ? undefined : new Date(local).toISOString());

function filterQuery(f: Filters): Record<string, string | undefined> {
  return { resourceId: f.resourceId.trim() || undefined, actorType: f.actorType || undefined, action: f.action || undefined, from: iso(f.from), to: iso(f.to) };
}

export function HistoryPage({ org }: OrgPageProps) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const pager = usePager(JSON.stringify(applied));
  const [exportError, setExportError] = useState<unknown>(null);
  const history = useQuery({
    queryKey: ['history', org.id, applied, pager.cursor],
    queryFn: () => api<AuditEventList>('GET', orgPath(org.id, `/audit${query({ ...filterQuery(applied), cursor: pager.cursor, count: 50 })}`)),
    placeholderData: (previous) => previous,
  });
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied(draft);
  };
  const exportAs = (format: 'csv' | 'json') => {
    setExportError(null);
    download(orgPath(org.id, `/audit/export${query({ ...filterQuery(applied), format })}`), `history-${org.slug}.${format}`).catch(setExportError);
  };

  return (
    <>
      <PageHeader title="Revision history">
        <button type="button" className="button" onClick={() => exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" className="button" onClick={() => exportAs('json')}>
          Export JSON
        </button>
      </PageHeader>
      {exportError === null ? null : <ErrorMessage error={exportError} title="Could not export" />}
      <form className="toolbar" onSubmit={submit} aria-label="Filter the history">
        <div className="field field-inline">
          <label htmlFor="h-resource">Resource ID</label>
          <input id="h-resource" value={draft.resourceId} onChange={(e) => set('resourceId', e.target.value)} />
        </div>
        <div className="field field-inline">
          <label htmlFor="h-actor">Actor type</label>
          <select id="h-actor" value={draft.actorType} onChange={(e) => set('actorType', e.target.value as Filters['actorType'])}>
            <option value="">Any</option>
            <option value="scim">SCIM (identity provider)</option>
            <option value="admin">Admin (people, keys, setup links)</option>
            <option value="system">System</option>
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="h-action">Action</label>
          <select id="h-action" value={draft.action} onChange={(e) => set('action', e.target.value)}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="h-from">From</label>
          <input id="h-from" type="datetime-local" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field field-inline">
          <label htmlFor="h-to">To</label>
          <input id="h-to" type="datetime-local" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </div>
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setDraft(EMPTY);
            setApplied(EMPTY);
          }}
        >
          Clear
        </button>
      </form>
      {history.isPending ? (
        <Loading what="Loading the history" />
      ) : history.isError ? (
        <ErrorMessage error={history.error} title="Could not load the history" />
      ) : history.data.items.length === 0 ? (
        <Empty>No history matches these filters.</Empty>
      ) : (
        <HistoryTable events={history.data.items} orgId={org.id} caption="Revision history" />
      )}
      <Pager pager={pager} nextCursor={history.data?.nextCursor} label="History" />
    </>
  );
}
