/**
 * Settings → Schemas: the organization's extension schemas (RFC 7643 §3.3, §7) — list, add, replace
 * and remove. Removing a schema that users or groups still hold data under is refused by the
 * server (409); the page then explains it and offers the forced removal, confirmed by typing the URN.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, orgPath } from '../api/client';
import type { SchemaExtension, SchemaExtensionList, SchemaRemoval } from '../api/types';
import { useAuth } from '../auth';
import { ConfirmDialog } from '../components/dialog';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Time } from '../components/ui';
import type { OrgPageProps } from './org-shell';
import { SchemaDialog, type SchemaEditing } from './schema-dialog';

/** Attributes of a schema, sub-attributes included. */
const attributeCount = (schema: SchemaExtension): number => schema.attributes.reduce((n, a) => n + 1 + (a.subAttributes?.length ?? 0), 0);

export function SchemasPage({ org }: OrgPageProps) {
  const { can } = useAuth();
  const schemas = useQuery({ queryKey: ['schemas', org.id], queryFn: () => api<SchemaExtensionList>('GET', orgPath(org.id, '/schemas')) });
  const [editing, setEditing] = useState<SchemaEditing | null>(null);
  const [removing, setRemoving] = useState<SchemaExtension | null>(null);
  const [removed, setRemoved] = useState<SchemaRemoval | null>(null);
  const writable = can('schemas:write');
  return (
    <>
      <PageHeader title="Settings → Schemas">
        {writable ? (
          <button type="button" className="button button-primary" onClick={() => setEditing({})}>
            Add schema
          </button>
        ) : null}
      </PageHeader>
      <p className="lead">
        Extension schemas add your own attributes to users or groups — a cost centre, a licence tier, or a custom attribute your identity provider maps to{' '}
        <code>urn:…:User:attributeName</code>. They are served by this organization's <code>/Schemas</code> and <code>/ResourceTypes</code> only, and every SCIM write is
        checked against them.
      </p>
      {removed ? (
        <p className="alert alert-info" role="status">
          Removed <code>{removed.id}</code>
          {removed.resourcesChanged > 0 ? `; its data was deleted from ${removed.resourcesChanged.toLocaleString()} resource(s)` : ''}.
        </p>
      ) : null}
      {schemas.isPending ? (
        <Loading what="Loading the schemas" />
      ) : schemas.isError ? (
        <ErrorMessage error={schemas.error} title="Could not load the schemas" />
      ) : schemas.data.items.length === 0 ? (
        <Empty>No extension schemas yet. {writable ? 'Add one before you map a custom attribute in your identity provider.' : ''}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Extension schemas</caption>
            <thead>
              <tr>
                <th scope="col">URN</th>
                <th scope="col">Name</th>
                <th scope="col">Extends</th>
                <th scope="col">Required</th>
                <th scope="col">Attributes</th>
                <th scope="col">Version</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {schemas.data.items.map((schema) => (
                <tr key={schema.id}>
                  <td className="mono urn">{schema.id}</td>
                  <td>{schema.name}</td>
                  <td>{schema.resourceType}</td>
                  <td>{schema.required ? <Badge tone="warn">Required</Badge> : <Badge tone="muted">Optional</Badge>}</td>
                  <td>{attributeCount(schema)}</td>
                  <td>{schema.version}</td>
                  <td>
                    <Time value={schema.updatedAt} />
                  </td>
                  <td className="actions">
                    <button type="button" className="button button-small" aria-label={`${writable ? 'Edit' : 'View'} ${schema.name}`} onClick={() => setEditing({ schema, readOnly: !writable })}>
                      {writable ? 'Edit' : 'View'}
                    </button>
                    {writable ? (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        aria-label={`Remove ${schema.name}`}
                        onClick={() => {
                          setRemoved(null);
                          setRemoving(schema);
                        }}
                      >
                        Remove
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SchemaDialog orgId={org.id} editing={editing} onClose={() => setEditing(null)} />
      <RemoveSchemaDialog
        orgId={org.id}
        schema={removing}
        onClose={() => setRemoving(null)}
        onRemoved={(result) => {
          setRemoving(null);
          setRemoved(result);
        }}
      />
    </>
  );
}

function RemoveSchemaDialog({ orgId, schema, onClose, onRemoved }: { orgId: string; schema: SchemaExtension | null; onClose: () => void; onRemoved: (r: SchemaRemoval) => void }) {
  const client = useQueryClient();
  const [typed, setTyped] = useState('');
  // The server's 409 detail ("… 3 user(s) hold data under it …") once a plain removal was refused.
  const [inUse, setInUse] = useState<string | null>(null);
  const [shownFor, setShownFor] = useState<SchemaExtension | null>(null);
  const remove = useMutation({
    mutationFn: ({ urn, force }: { urn: string; force: boolean }) => api<SchemaRemoval>('DELETE', orgPath(orgId, `/schemas/${encodeURIComponent(urn)}${force ? '?force=true' : ''}`)),
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: ['schemas', orgId] });
      onRemoved(result);
    },
    onError: (error, { force }) => {
      if (!force && error instanceof ApiError && error.status === 409) setInUse(error.detail);
    },
  });
  if (schema !== shownFor) {
    setShownFor(schema);
    setTyped('');
    setInUse(null);
  }
  const close = () => {
    remove.reset();
    onClose();
  };
  const matches = schema !== null && typed.trim().toLowerCase() === schema.id.toLowerCase();
  const what = schema?.resourceType === 'Group' ? 'groups' : 'users';
  const failed = remove.isError && !(inUse !== null && remove.error instanceof ApiError && remove.error.status === 409 && remove.variables.force === false);
  return (
    <ConfirmDialog
      open={schema !== null}
      title={inUse !== null ? `${schema?.name ?? ''} is in use` : `Remove the schema ${schema?.name ?? ''}?`}
      confirmLabel={inUse !== null ? 'Remove schema and data' : 'Remove schema'}
      onConfirm={() => schema && remove.mutate({ urn: schema.id, force: inUse !== null })}
      onClose={close}
      busy={remove.isPending}
      confirmDisabled={inUse !== null && !matches}
    >
      {inUse !== null ? (
        <>
          <div className="alert alert-warn" role="alert">
            {inUse}
          </div>
          <p>
            Removing it anyway deletes the {what}' values under it in one step, and records each change in the revision history. Attributes your identity provider still
            sends under this URN are dropped from then on.
          </p>
          <div className="field">
            <label htmlFor="schema-confirm-urn">Type the URN to confirm</label>
            {/* The field appears after the refusal: focus moves to it so the keyboard user is where the next step is. */}
            <input id="schema-confirm-urn" className="mono" autoFocus autoComplete="off" spellCheck={false} aria-describedby="schema-confirm-urn-hint" value={typed} onChange={(e) => setTyped(e.target.value)} />
            <p className="hint" id="schema-confirm-urn-hint">
              <code className="wrap-anywhere">{schema?.id}</code>
            </p>
          </div>
        </>
      ) : (
        <p>
          <code className="wrap-anywhere">{schema?.id}</code> will no longer be served in <code>/Schemas</code>, and {what} can no longer carry its attributes.
        </p>
      )}
      {failed ? <ErrorMessage error={remove.error} title="Could not remove the schema" /> : null}
    </ConfirmDialog>
  );
}
