/** Settings → Security: the SCIM switch, the user policies and the notification addresses. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, orgPath } from '../api/client';
import type { Notifications, Organization, Policies, RoleList } from '../api/types';
import { useAuth } from '../auth';
import { ConfirmDialog } from '../components/dialog';
import { ErrorMessage, Loading, PageHeader, Switch } from '../components/ui';
import type { OrgPageProps } from './org-shell';
import { PresetChooser } from './policy-presets';

export function SecurityPage({ org }: OrgPageProps) {
  return (
    <>
      <PageHeader title="Settings → Security" />
      <ScimSection org={org} />
      <PoliciesSection org={org} />
      <NotificationsSection org={org} />
    </>
  );
}

function ScimSection({ org }: { org: Organization }) {
  const { can } = useAuth();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api<Organization>('PUT', orgPath(org.id, '/scim'), { enabled }),
    onSuccess: (updated) => {
      client.setQueryData(['org', org.id], updated);
      void client.invalidateQueries({ queryKey: ['orgs'] });
      setConfirming(false);
    },
  });
  const allowed = can('org:scim');
  return (
    <section className="card" aria-labelledby="scim-title">
      <h2 id="scim-title">SCIM provisioning</h2>
      <Switch
        label="SCIM"
        checked={org.scimEnabled}
        disabled={!allowed || toggle.isPending}
        onChange={(next) => (next ? toggle.mutate(true) : setConfirming(true))}
        description={
          org.scimEnabled
            ? 'Your identity provider can create, update and deactivate users and groups. Changes take effect on its next request.'
            : 'Provisioning is off: every SCIM request gets 403 Forbidden. Turn it on before you connect your identity provider.'
        }
      />
      {allowed ? null : <p className="hint">Your access does not include changing this setting.</p>}
      {toggle.isError && !confirming ? <ErrorMessage error={toggle.error} title="Could not change the SCIM setting" /> : null}
      <ConfirmDialog
        open={confirming}
        title="Turn off SCIM provisioning?"
        confirmLabel="Turn off SCIM"
        onConfirm={() => toggle.mutate(false)}
        onClose={() => setConfirming(false)}
        busy={toggle.isPending}
      >
        <p>
          From the next request on, your identity provider's provisioning will get <strong>403 Forbidden</strong> and no user or group changes will arrive. Users and
          groups already provisioned stay as they are. You can turn SCIM on again at any time.
        </p>
        {toggle.isError ? <ErrorMessage error={toggle.error} title="Could not turn SCIM off" /> : null}
      </ConfirmDialog>
    </section>
  );
}

function PoliciesSection({ org }: { org: Organization }) {
  const { can } = useAuth();
  const client = useQueryClient();
  const policies = useQuery({ queryKey: ['policies', org.id], queryFn: () => api<Policies>('GET', orgPath(org.id, '/policies')) });
  const roles = useQuery({ queryKey: ['roles', org.id], queryFn: () => api<RoleList>('GET', orgPath(org.id, '/roles')), enabled: can('roles:read') });
  const [draft, setDraft] = useState<Policies | null>(null);
  const [domains, setDomains] = useState('');
  useEffect(() => {
    if (policies.data) {
      setDraft(policies.data);
      setDomains(policies.data.allowedDomains.join(', '));
    }
  }, [policies.data]);
  const save = useMutation({
    mutationFn: (change: Policies) => api<Policies>('PATCH', orgPath(org.id, '/policies'), change),
    onSuccess: (saved) => client.setQueryData(['policies', org.id], saved),
  });
  const editable = can('org:write');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const allowedDomains = domains
      .split(/[\s,]+/)
      .map((d) => d.trim())
      .filter((d) => d !== '');
    save.mutate({ ...draft, allowedDomains });
  };
  const set = <K extends keyof Policies>(key: K, value: Policies[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));

  return (
    <section className="card" aria-labelledby="policies-title">
      <h2 id="policies-title">User policies</h2>
      {policies.isPending ? (
        <Loading what="Loading the policies" />
      ) : policies.isError ? (
        <ErrorMessage error={policies.error} title="Could not load the policies" />
      ) : draft === null ? null : (
        <>
        <PresetChooser orgId={org.id} current={policies.data} editable={editable} />
        <form onSubmit={submit}>
          <fieldset disabled={!editable}>
            <legend className="sr-only">User policies</legend>
            <div className="check">
              <input id="p-email" type="checkbox" checked={draft.userNameMustBeEmail} onChange={(e) => set('userNameMustBeEmail', e.target.checked)} />
              <label htmlFor="p-email">userName must be an e-mail address</label>
            </div>
            <div className="field">
              <label htmlFor="p-domains">Allowed e-mail domains</label>
              <input id="p-domains" aria-describedby="p-domains-hint" value={domains} onChange={(e) => setDomains(e.target.value)} placeholder="contoso.com, *.contoso.com" />
              <p className="hint" id="p-domains-hint">
                Comma-separated; empty allows every domain. <code>*.contoso.com</code> allows subdomains.
              </p>
            </div>
            <div className="check">
              <input id="p-immutable" type="checkbox" checked={draft.userNameImmutable} onChange={(e) => set('userNameImmutable', e.target.checked)} />
              <label htmlFor="p-immutable">userName cannot change after a user is created</label>
            </div>
            <div className="check">
              <input id="p-display" type="checkbox" checked={draft.deriveDisplayName} onChange={(e) => set('deriveDisplayName', e.target.checked)} />
              <label htmlFor="p-display">Build displayName from the given and family name when the identity provider sends none</label>
            </div>
            <div className="check">
              <input id="p-user-type" type="checkbox" checked={draft.userTypeMustNameRole} onChange={(e) => set('userTypeMustNameRole', e.target.checked)} />
              <label htmlFor="p-user-type">userType must name a role (otherwise it is kept as sent and the user gets the default role)</label>
            </div>
            <div className="field">
              <label htmlFor="p-role">Default role</label>
              {roles.data ? (
                <select id="p-role" value={draft.defaultRole} onChange={(e) => set('defaultRole', e.target.value)}>
                  {roles.data.items.map((r) => (
                    <option key={r.id} value={r.name}>
                      {r.name}
                    </option>
                  ))}
                </select>
              ) : (
                <input id="p-role" value={draft.defaultRole} onChange={(e) => set('defaultRole', e.target.value)} />
              )}
            </div>
            <div className="field">
              <label htmlFor="p-profile">Identity provider profile</label>
              <select id="p-profile" aria-describedby="p-profile-hint" value={draft.compatibilityProfile} onChange={(e) => set('compatibilityProfile', e.target.value as Policies['compatibilityProfile'])}>
                <option value="lenient">Lenient (accepts Entra ID and Okta quirks)</option>
                <option value="strict">Strict (RFC 7644 only)</option>
              </select>
              <p className="hint" id="p-profile-hint">
                Keep “Lenient” unless your identity provider is known to follow RFC 7644 exactly.
              </p>
            </div>
            {editable ? (
              <button type="submit" className="button button-primary" disabled={save.isPending}>
                Save policies
              </button>
            ) : (
              <p className="hint">Your access lets you read these policies but not change them.</p>
            )}
          </fieldset>
          {save.isSuccess ? (
            <p className="hint" role="status">
              Policies saved.
            </p>
          ) : null}
          {save.isError ? <ErrorMessage error={save.error} title="Could not save the policies" /> : null}
        </form>
        </>
      )}
    </section>
  );
}

function NotificationsSection({ org }: { org: Organization }) {
  const { can } = useAuth();
  const client = useQueryClient();
  const current = useQuery({ queryKey: ['notifications', org.id], queryFn: () => api<Notifications>('GET', orgPath(org.id, '/notifications')) });
  const [text, setText] = useState('');
  useEffect(() => {
    if (current.data) setText(current.data.emails.join('\n'));
  }, [current.data]);
  const save = useMutation({
    mutationFn: (emails: string[]) => api<Notifications>('PUT', orgPath(org.id, '/notifications'), { emails }),
    onSuccess: (saved) => client.setQueryData(['notifications', org.id], saved),
  });
  const editable = can('org:write');
  return (
    <section className="card" aria-labelledby="notify-title">
      <h2 id="notify-title">Notification e-mail addresses</h2>
      <p className="hint">Reminders before an API key expires, and provisioning failures, go to these addresses.</p>
      {current.isPending ? (
        <Loading what="Loading the addresses" />
      ) : current.isError ? (
        <ErrorMessage error={current.error} title="Could not load the addresses" />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(text.split(/[\s,;]+/).filter((a) => a !== ''));
          }}
        >
          <div className="field">
            <label htmlFor="notify-emails">E-mail addresses (one per line)</label>
            <textarea id="notify-emails" rows={3} readOnly={!editable} value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          {editable ? (
            <button type="submit" className="button button-primary" disabled={save.isPending}>
              Save addresses
            </button>
          ) : (
            <p className="hint">Your access lets you read these addresses but not change them.</p>
          )}
          {save.isSuccess ? (
            <p className="hint" role="status">
              Addresses saved.
            </p>
          ) : null}
          {save.isError ? <ErrorMessage error={save.error} title="Could not save the addresses" /> : null}
        </form>
      )}
    </section>
  );
}
