/**
 * API Access: the organization's keys with their status, generating a key (the secret is shown
 * once, then dropped from memory), rotating (generate → replace in the IdP → revoke the old one)
 * and revoking.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, orgPath } from '../api/client';
import type { ApiKey, ApiKeyList } from '../api/types';
import { useAuth } from '../auth';
import { ConfirmDialog } from '../components/dialog';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Time, type BadgeTone } from '../components/ui';
import { GenerateKeyDialog } from './generate-key';
import type { OrgPageProps } from './org-shell';

const STATUS: Record<ApiKey['status'], { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'ok' },
  expiring: { label: 'Expires soon', tone: 'warn' },
  expired: { label: 'Expired', tone: 'bad' },
  revoked: { label: 'Revoked', tone: 'muted' },
};

export function StatusBadge({ status }: { status: ApiKey['status'] }) {
  const s = STATUS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function ApiAccessPage({ org }: OrgPageProps) {
  const { can } = useAuth();
  const keys = useQuery({ queryKey: ['keys', org.id], queryFn: () => api<ApiKeyList>('GET', orgPath(org.id, '/keys')) });
  const [dialog, setDialog] = useState<{ rotating?: ApiKey } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const writable = can('keys:write');

  return (
    <>
      <PageHeader title="API Access">
        {writable ? (
          <button type="button" className="button button-primary" onClick={() => setDialog({})}>
            Generate API Key
          </button>
        ) : null}
      </PageHeader>
      <p className="lead">
        A <strong>SCIM</strong> key is the Secret Token your identity provider (Microsoft Entra ID, Okta) sends with every provisioning request. An <strong>API</strong> key
        lets your own software call the admin API with the scopes you choose. Keys are shown once, when they are generated.
      </p>
      {keys.isPending ? (
        <Loading what="Loading the keys" />
      ) : keys.isError ? (
        <ErrorMessage error={keys.error} title="Could not load the keys" />
      ) : keys.data.items.length === 0 ? (
        <Empty>No keys yet. Generate a SCIM key to connect your identity provider.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Prefix</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.id}>
                  <td className="mono">{key.prefix}…</td>
                  <td>{key.type === 'scim' ? 'SCIM' : 'API'}</td>
                  <td>
                    {key.description}
                    {key.type === 'api' && key.scopes.length > 0 ? <div className="hint mono">{key.scopes.join(' ')}</div> : null}
                  </td>
                  <td>
                    <Time value={key.createdAt} />
                    {key.createdBy ? <div className="hint">by {key.createdBy}</div> : null}
                  </td>
                  <td>
                    <Time value={key.expiresAt} empty="Never" />
                  </td>
                  <td>
                    <Time value={key.lastUsedAt} empty="Never used" />
                  </td>
                  <td>
                    <StatusBadge status={key.status} />
                  </td>
                  <td className="actions">
                    {writable && key.status !== 'revoked' ? (
                      <>
                        <button type="button" className="button button-small" aria-label={`Rotate ${key.description}`} onClick={() => setDialog({ rotating: key })}>
                          Rotate
                        </button>
                        <button type="button" className="button button-small button-danger" aria-label={`Revoke ${key.description}`} onClick={() => setRevoking(key)}>
                          Revoke
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
      <GenerateKeyDialog org={org} open={dialog !== null} rotating={dialog?.rotating} onClose={() => setDialog(null)} />
      <RevokeDialog orgId={org.id} apiKey={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}

function RevokeDialog({ orgId, apiKey, onClose }: { orgId: string; apiKey: ApiKey | null; onClose: () => void }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => api<ApiKey>('DELETE', orgPath(orgId, `/keys/${encodeURIComponent(key.id)}`)),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['keys', orgId] });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      open={apiKey !== null}
      title={`Revoke “${apiKey?.description ?? ''}”?`}
      confirmLabel="Revoke key"
      onConfirm={() => apiKey && revoke.mutate(apiKey)}
      onClose={onClose}
      busy={revoke.isPending}
    >
      <p>
        Requests with the key <span className="mono">{apiKey?.prefix}…</span> will get <strong>401 Unauthorized</strong> from the next request on. If an identity provider
        still uses it, its provisioning stops. This cannot be undone.
      </p>
      {revoke.isError ? <ErrorMessage error={revoke.error} title="Could not revoke the key" /> : null}
    </ConfirmDialog>
  );
}
