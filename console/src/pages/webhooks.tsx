/**
 * Webhooks: the organization's endpoints with their status, registering one (the `whsec_…` signing
 * secret is shown once, then dropped from memory as on API Access), editing, disabling and
 * enabling, rotating the secret (the old one keeps signing for 24 hours) and deleting. Each
 * endpoint's delivery log is its own page (webhook-deliveries.tsx).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, orgPath } from '../api/client';
import type { components } from '../api/schema';
import { useAuth } from '../auth';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Badge, CopyButton, Empty, ErrorMessage, Loading, PageHeader, Time } from '../components/ui';
import { Link } from '../router';
import type { OrgPageProps } from './org-shell';

export type WebhookEndpoint = components['schemas']['WebhookEndpoint'];
type WithSecret = components['schemas']['WebhookEndpointWithSecret'];

/** The event types an endpoint can subscribe to, as docs/events.md lists them. */
export const EVENT_TYPES: readonly string[] = [
  'scimd.user.created',
  'scimd.user.updated',
  'scimd.user.deactivated',
  'scimd.user.reactivated',
  'scimd.user.deleted',
  'scimd.group.created',
  'scimd.group.updated',
  'scimd.group.deleted',
  'scimd.group.members.added',
  'scimd.group.members.removed',
  'scimd.organization.scim.enabled',
  'scimd.organization.scim.disabled',
  'scimd.key.created',
  'scimd.key.revoked',
  'scimd.key.expiring',
  'scimd.key.expired',
];

/** Enabled, disabled by a person, or switched off by scimd (410 Gone, failing for 3 days). */
export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.status === 'enabled') return <Badge tone={endpoint.failingSince ? 'warn' : 'ok'}>{endpoint.failingSince ? 'Enabled, failing' : 'Enabled'}</Badge>;
  const manual = endpoint.disabledReason?.startsWith('disabled by') ?? false;
  return <Badge tone={manual ? 'muted' : 'bad'}>{manual ? 'Disabled' : 'Auto-disabled'}</Badge>;
}

export const endpointsKey = (orgId: string) => ['webhooks', orgId];

export function WebhooksPage({ org }: OrgPageProps) {
  const { can } = useAuth();
  const writable = can('webhooks:write');
  const client = useQueryClient();
  const endpoints = useQuery({ queryKey: endpointsKey(org.id), queryFn: () => api<{ items: WebhookEndpoint[] }>('GET', orgPath(org.id, '/webhooks')) });
  const [editing, setEditing] = useState<{ endpoint?: WebhookEndpoint } | null>(null);
  const [rotating, setRotating] = useState<WebhookEndpoint | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const toggle = useMutation({
    mutationFn: (e: WebhookEndpoint) => api<WebhookEndpoint>('PATCH', orgPath(org.id, `/webhooks/${encodeURIComponent(e.id)}`), { enabled: e.status !== 'enabled' }),
    onSettled: () => void client.invalidateQueries({ queryKey: endpointsKey(org.id) }),
  });

  return (
    <>
      <PageHeader title="Webhooks">
        {writable ? (
          <button type="button" className="button button-primary" onClick={() => setEditing({})}>
            Add endpoint
          </button>
        ) : null}
      </PageHeader>
      <p className="lead">
        scimd sends every provisioning change of this organization to your endpoints as a signed CloudEvent (Standard Webhooks signatures), retrying for about 30 hours.
        Verify each request with the endpoint's signing secret and deduplicate on <span className="mono">webhook-id</span>.
      </p>
      {toggle.isError ? <ErrorMessage error={toggle.error} title="Could not change the endpoint" /> : null}
      {endpoints.isPending ? (
        <Loading what="Loading the endpoints" />
      ) : endpoints.isError ? (
        <ErrorMessage error={endpoints.error} title="Could not load the endpoints" />
      ) : endpoints.data.items.length === 0 ? (
        <Empty>No endpoints yet. Add one to receive this organization's events.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Event types</th>
                <th scope="col">Description</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.items.map((e) => (
                <tr key={e.id}>
                  <td className="mono">
                    <Link to={`/orgs/${encodeURIComponent(org.id)}/webhooks/${encodeURIComponent(e.id)}`} aria-label={`Deliveries of ${e.url}`}>
                      {e.url}
                    </Link>
                  </td>
                  <td>{e.types.length === 0 ? 'All' : <span className="mono">{e.types.join(', ')}</span>}</td>
                  <td>{e.description ?? ''}</td>
                  <td>
                    <EndpointStatus endpoint={e} />
                    {e.status === 'disabled' && e.disabledReason ? <div className="hint">{e.disabledReason}</div> : null}
                  </td>
                  <td>
                    <Time value={e.createdAt} />
                  </td>
                  <td className="actions">
                    {writable ? (
                      <>
                        <button type="button" className="button button-small" aria-label={`Edit ${e.url}`} onClick={() => setEditing({ endpoint: e })}>
                          Edit
                        </button>
                        <button type="button" className="button button-small" aria-label={`${e.status === 'enabled' ? 'Disable' : 'Enable'} ${e.url}`} disabled={toggle.isPending} onClick={() => toggle.mutate(e)}>
                          {e.status === 'enabled' ? 'Disable' : 'Enable'}
                        </button>
                        <button type="button" className="button button-small" aria-label={`Rotate secret of ${e.url}`} onClick={() => setRotating(e)}>
                          Rotate secret
                        </button>
                        <button type="button" className="button button-small button-danger" aria-label={`Delete ${e.url}`} onClick={() => setDeleting(e)}>
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
      <EndpointDialog orgId={org.id} open={editing !== null} endpoint={editing?.endpoint} onClose={() => setEditing(null)} />
      <RotateDialog orgId={org.id} endpoint={rotating} onClose={() => setRotating(null)} />
      <DeleteDialog orgId={org.id} endpoint={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

/** The secret, once: copy it, then "Got it" drops it from state (and so from the DOM). */
function SecretOnce({ secret, onDone, rotated }: { secret: string; onDone: () => void; rotated?: boolean }) {
  useEffect(() => document.getElementById('webhook-secret-copy')?.focus(), []);
  return (
    <>
      <div className="dialog-body">
        <div className="alert alert-warn" role="alert">
          This is the only time the signing secret is shown. Copy it into your receiver's configuration now: once you close this dialog it cannot be shown again (rotate it to get
          a new one).
        </div>
        {rotated ? <p>The previous secret keeps signing for 24 hours, next to this one, so your receiver can switch without rejecting a request.</p> : null}
        <div className="field">
          <label htmlFor="webhook-secret">Signing secret</label>
          <div className="copy-field">
            <input id="webhook-secret" className="mono" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton id="webhook-secret-copy" value={secret} label="Copy" className="button button-primary" />
          </div>
        </div>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          Got it
        </button>
      </div>
    </>
  );
}

function EndpointDialog({ orgId, open, endpoint, onClose }: { orgId: string; open: boolean; endpoint: WebhookEndpoint | undefined; onClose: () => void }) {
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setUrl(endpoint?.url ?? '');
    setTypes(endpoint ? [...endpoint.types] : []);
    setDescription(endpoint?.description ?? '');
    setError(null);
  }, [open, endpoint]);

  const close = () => {
    setSecret(null);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (endpoint) {
        await api('PATCH', orgPath(orgId, `/webhooks/${encodeURIComponent(endpoint.id)}`), { url: url.trim(), types, description: description.trim() === '' ? null : description.trim() });
        void client.invalidateQueries({ queryKey: endpointsKey(orgId) });
        close();
      } else {
        const created = await api<WithSecret>('POST', orgPath(orgId, '/webhooks'), { url: url.trim(), types, ...(description.trim() === '' ? {} : { description: description.trim() }) });
        void client.invalidateQueries({ queryKey: endpointsKey(orgId) });
        setSecret(created.secret);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const title = secret !== null ? 'Copy the signing secret now' : endpoint ? 'Edit endpoint' : 'Add endpoint';
  return (
    <Dialog open={open} title={title} onClose={close} wide>
      {secret !== null ? (
        <SecretOnce secret={secret} onDone={close} />
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <div className="dialog-body">
            <div className="field">
              <label htmlFor="webhook-url">Endpoint URL</label>
              <input id="webhook-url" type="url" required className="mono" placeholder="https://app.example.com/scimd/events" aria-describedby="webhook-url-hint" value={url} onChange={(e) => setUrl(e.target.value)} />
              <p className="hint" id="webhook-url-hint">
                An https address on the public internet. scimd does not follow redirects.
              </p>
            </div>
            <fieldset className="scopes">
              <legend>Event types</legend>
              <p className="hint">None selected: every type, including types added later.</p>
              {EVENT_TYPES.map((type) => (
                <div className="check" key={type}>
                  <input id={`type-${type}`} type="checkbox" checked={types.includes(type)} onChange={(e) => setTypes(e.target.checked ? [...types, type] : types.filter((t) => t !== type))} />
                  <label htmlFor={`type-${type}`} className="mono">
                    {type}
                  </label>
                </div>
              ))}
            </fieldset>
            <div className="field">
              <label htmlFor="webhook-description">Description (optional)</label>
              <input id="webhook-description" maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
            </div>
            {error === null ? null : <ErrorMessage error={error} title={endpoint ? 'Could not save the endpoint' : 'Could not add the endpoint'} />}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              {endpoint ? 'Save' : 'Add endpoint'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function RotateDialog({ orgId, endpoint, onClose }: { orgId: string; endpoint: WebhookEndpoint | null; onClose: () => void }) {
  const client = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const rotate = useMutation({
    mutationFn: (e: WebhookEndpoint) => api<WithSecret>('POST', orgPath(orgId, `/webhooks/${encodeURIComponent(e.id)}/rotate`)),
    onSuccess: (rotated) => {
      void client.invalidateQueries({ queryKey: endpointsKey(orgId) });
      setSecret(rotated.secret);
    },
  });
  const close = () => {
    setSecret(null);
    rotate.reset();
    onClose();
  };
  // One dialog whose content changes, so focus stays inside and returns to "Rotate secret" at the end.
  return (
    <Dialog open={endpoint !== null} title={secret !== null ? 'Copy the new signing secret now' : 'Rotate the signing secret?'} onClose={close} wide={secret !== null}>
      {secret !== null ? (
        <SecretOnce secret={secret} onDone={close} rotated />
      ) : (
        <>
          <div className="dialog-body">
            <p>
              A new secret signs every request from now on. For <strong>24 hours</strong> the current secret keeps signing too (the{' '}
              <span className="mono">webhook-signature</span> header then carries both signatures), so update your receiver within that time.
            </p>
            {rotate.isError ? <ErrorMessage error={rotate.error} title="Could not rotate the secret" /> : null}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="button" className="button button-primary" disabled={rotate.isPending} onClick={() => endpoint && rotate.mutate(endpoint)}>
              Rotate secret
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function DeleteDialog({ orgId, endpoint, onClose }: { orgId: string; endpoint: WebhookEndpoint | null; onClose: () => void }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (e: WebhookEndpoint) => api('DELETE', orgPath(orgId, `/webhooks/${encodeURIComponent(e.id)}`)),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: endpointsKey(orgId) });
      onClose();
    },
  });
  return (
    <ConfirmDialog open={endpoint !== null} title="Delete this endpoint?" confirmLabel="Delete endpoint" onConfirm={() => endpoint && remove.mutate(endpoint)} onClose={onClose} busy={remove.isPending}>
      <p>
        <span className="mono">{endpoint?.url}</span> stops receiving events at once, and its delivery log is deleted with it. This cannot be undone.
      </p>
      {remove.isError ? <ErrorMessage error={remove.error} title="Could not delete the endpoint" /> : null}
    </ConfirmDialog>
  );
}
