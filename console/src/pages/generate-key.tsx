/**
 * The "Generate API Key" dialog. The secret lives only in this component's state between the
 * server's answer and "Got it": never in the query cache, storage or a log, and gone from the DOM
 * once the dialog closes.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, orgPath } from '../api/client';
import type { ApiKey, CreatedApiKey, NewApiKey, Organization } from '../api/types';
import { useCaller } from '../auth';
import { Dialog } from '../components/dialog';
import { CopyButton, CopyField, ErrorMessage } from '../components/ui';
import { SCOPES } from '../scopes';

/** `YYYY-MM-DD` one year from today: the expiry the console recommends. */
export function oneYearAhead(now = new Date()): string {
  const next = new Date(now);
  next.setFullYear(next.getFullYear() + 1);
  return next.toISOString().slice(0, 10);
}

interface Draft {
  type: 'scim' | 'api';
  expiresAt: string;
  description: string;
  ipAllowlist: string;
  scopes: string[];
}

function draftOf(rotating: ApiKey | undefined): Draft {
  return {
    type: rotating?.type ?? 'scim',
    expiresAt: oneYearAhead(),
    description: rotating ? rotating.description : '',
    ipAllowlist: rotating ? rotating.ipAllowlist.join('\n') : '',
    scopes: rotating ? [...rotating.scopes] : [],
  };
}

export function GenerateKeyDialog({ org, open, rotating, onClose }: { org: Organization; open: boolean; rotating: ApiKey | undefined; onClose: () => void }) {
  const client = useQueryClient();
  const caller = useCaller();
  const [draft, setDraft] = useState<Draft>(() => draftOf(rotating));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  useEffect(() => {
    if (open) {
      setDraft(draftOf(rotating));
      setError(null);
    }
  }, [open, rotating]);

  const close = () => {
    setCreated(null);
    onClose();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: NewApiKey = {
      type: draft.type,
      description: draft.description.trim(),
      expiresAt: draft.expiresAt === '' ? null : draft.expiresAt,
      ipAllowlist: draft.ipAllowlist.split(/[\s,]+/).filter((a) => a !== ''),
      ...(draft.type === 'api' ? { scopes: draft.scopes } : {}),
    };
    try {
      setCreated(await api<CreatedApiKey>('POST', orgPath(org.id, '/keys'), body));
      void client.invalidateQueries({ queryKey: ['keys', org.id] });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const holds = (scope: string) => caller.scopes.includes('*') || caller.scopes.includes(scope);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    // The form was replaced by the secret: start the keyboard on the copy button.
    if (created !== null) document.getElementById('new-key-copy')?.focus();
  }, [created]);

  const title = created !== null ? 'Copy your key now' : rotating ? 'Rotate API Key' : 'Generate API Key';
  return (
    <Dialog open={open} title={title} onClose={close} wide>
      {created !== null ? (
        <>
        <div className="dialog-body">
          <div className="alert alert-warn" role="alert">
            This is the only time the key is shown. Copy it and store it somewhere safe now: once you close this dialog, the full key will become unavailable and only its
            prefix is kept.
          </div>
          <div className="field">
            <label htmlFor="new-key-secret">{created.key.type === 'scim' ? 'Secret Token' : 'API key'}</label>
            <div className="copy-field">
              <input id="new-key-secret" className="mono" readOnly value={created.secret} onFocus={(e) => e.currentTarget.select()} />
              <CopyButton id="new-key-copy" value={created.secret} label="Copy" className="button button-primary" />
            </div>
          </div>
          {created.key.type === 'scim' ? <CopyField label="Tenant URL" value={org.tenantUrl} /> : null}
          {rotating ? (
            <p>
              Next: paste the new key into your identity provider in place of the old one and test the connection. Then revoke the old key (“{rotating.description}”,{' '}
              <span className="mono">{rotating.prefix}…</span>) on the API Access page.
            </p>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-primary" onClick={close}>
            Got it
          </button>
        </div>
        </>
      ) : (
      <form onSubmit={(e) => void submit(e)}>
        <div className="dialog-body">
          {rotating ? (
            <div className="alert alert-info">
              <p>Rotating replaces a key without a gap in provisioning:</p>
              <ol>
                <li>Generate the new key here (the old one keeps working).</li>
                <li>Replace the old key with the new one in your identity provider and test the connection.</li>
                <li>
                  Revoke the old key (“{rotating.description}”, <span className="mono">{rotating.prefix}…</span>).
                </li>
              </ol>
            </div>
          ) : null}
          <fieldset className="radios">
            <legend>Type</legend>
            <div className="check">
              <input id="key-type-scim" type="radio" name="key-type" data-autofocus={draft.type === 'scim' ? true : undefined} checked={draft.type === 'scim'} onChange={() => set('type', 'scim')} aria-describedby="key-type-scim-hint" />
              <label htmlFor="key-type-scim">SCIM</label>
              <span className="hint" id="key-type-scim-hint">
                for your identity provider's provisioning (Entra ID, Okta)
              </span>
            </div>
            <div className="check">
              <input id="key-type-api" type="radio" name="key-type" data-autofocus={draft.type === 'api' ? true : undefined} checked={draft.type === 'api'} onChange={() => set('type', 'api')} aria-describedby="key-type-api-hint" />
              <label htmlFor="key-type-api">API</label>
              <span className="hint" id="key-type-api-hint">
                for your own software calling the admin API
              </span>
            </div>
          </fieldset>
          {draft.type === 'api' ? (
            <fieldset className="scopes">
              <legend>Scopes</legend>
              {SCOPES.map((scope) => (
                <div className="check" key={scope.name}>
                  <input
                    id={`scope-${scope.name}`}
                    type="checkbox"
                    disabled={!holds(scope.name)}
                    checked={draft.scopes.includes(scope.name)}
                    onChange={(e) => set('scopes', e.target.checked ? [...draft.scopes, scope.name] : draft.scopes.filter((s) => s !== scope.name))}
                  />
                  <label htmlFor={`scope-${scope.name}`}>
                    <span className="mono">{scope.name}</span> — {scope.label}
                  </label>
                </div>
              ))}
            </fieldset>
          ) : null}
          <div className="field">
            <label htmlFor="key-expires">Expiration date</label>
            <input id="key-expires" type="date" aria-describedby="key-expires-hint" value={draft.expiresAt} onChange={(e) => set('expiresAt', e.target.value)} />
            <p className="hint" id="key-expires-hint">
              We recommend at most a year. Note the date in your calendar and rotate the key before it expires; the notification addresses get a reminder 30 days ahead.
            </p>
            {draft.expiresAt === '' ? (
              <p className="alert alert-warn" role="status">
                Without an expiration date this key works until someone revokes it. A leaked key that never expires stays usable.
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="key-description">Description</label>
            <input id="key-description" required maxLength={200} placeholder="e.g. Microsoft Entra ID production" value={draft.description} onChange={(e) => set('description', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="key-ips">IP allow-list (optional)</label>
            <textarea id="key-ips" rows={2} aria-describedby="key-ips-hint" value={draft.ipAllowlist} onChange={(e) => set('ipAllowlist', e.target.value)} />
            <p className="hint" id="key-ips-hint">
              Addresses or CIDR ranges, one per line. Leave empty to accept the key from anywhere.
            </p>
          </div>
          {error === null ? null : <ErrorMessage error={error} title="Could not generate the key" />}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Generate key
          </button>
        </div>
      </form>
      )}
    </Dialog>
  );
}
