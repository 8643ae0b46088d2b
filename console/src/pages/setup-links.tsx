/** Operators: an organization's setup links (the URL shown once, with Copy), and its mail log. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, orgPath, query } from '../api/client';
import type { CreatedSetupLink, MailList, SetupLink, SetupLinkList } from '../api/types';
import { ConfirmDialog, Dialog } from '../components/dialog';
import { Badge, CopyButton, Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager, type BadgeTone } from '../components/ui';
import type { OrgPageProps } from './org-shell';

const LINK_STATUS: Record<SetupLink['status'], { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'ok' },
  expired: { label: 'Expired', tone: 'bad' },
  revoked: { label: 'Revoked', tone: 'muted' },
};

export function SetupLinksPage({ org }: OrgPageProps) {
  const links = useQuery({ queryKey: ['setup-links', org.id], queryFn: () => api<SetupLinkList>('GET', orgPath(org.id, '/setup-links')) });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<SetupLink | null>(null);
  return (
    <>
      <PageHeader title="Setup links">
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          Create setup link
        </button>
      </PageHeader>
      <p className="lead">
        A setup link signs a customer's IT admin in to this organization only, without a password: they can turn SCIM on, manage keys and read the history. Send it
        through a channel you trust; the URL is shown once.
      </p>
      {links.isPending ? (
        <Loading what="Loading setup links" />
      ) : links.isError ? (
        <ErrorMessage error={links.error} title="Could not load the setup links" />
      ) : links.data.items.length === 0 ? (
        <Empty>No setup links yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Setup links</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Created by</th>
                <th scope="col">Valid till</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {links.data.items.map((link) => (
                <tr key={link.id}>
                  <td>
                    <Time value={link.createdAt} />
                  </td>
                  <td>{link.createdBy}</td>
                  <td>
                    <Time value={link.expiresAt} />
                  </td>
                  <td>
                    <Badge tone={LINK_STATUS[link.status].tone}>{LINK_STATUS[link.status].label}</Badge>
                  </td>
                  <td className="actions">
                    {link.status === 'active' ? (
                      <button type="button" className="button button-small button-danger" aria-label={`Revoke the link created ${new Date(link.createdAt).toLocaleString()}`} onClick={() => setRevoking(link)}>
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateLinkDialog orgId={org.id} open={creating} onClose={() => setCreating(false)} />
      <RevokeLinkDialog orgId={org.id} link={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}

function CreateLinkDialog({ orgId, open, onClose }: { orgId: string; open: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const [expiresIn, setExpiresIn] = useState('72h');
  const [created, setCreated] = useState<CreatedSetupLink | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setCreated(null);
    setError(null);
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      setCreated(await api<CreatedSetupLink>('POST', orgPath(orgId, '/setup-links'), { expiresIn }));
      void client.invalidateQueries({ queryKey: ['setup-links', orgId] });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title={created ? 'Copy the setup link now' : 'Create setup link'} onClose={close} wide>
      {created ? (
        <>
          <div className="dialog-body">
            <div className="alert alert-warn" role="alert">
              This link is shown only now. Anyone who has it can manage this organization's SCIM keys until <Time value={created.link.expiresAt} />.
            </div>
            <div className="field">
              <label htmlFor="setup-url">Setup link</label>
              <div className="copy-field">
                <input id="setup-url" className="mono" readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
                <CopyButton value={created.url} label="Copy" className="button button-primary" />
              </div>
            </div>
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
            <div className="field">
              <label htmlFor="setup-expires">Valid for</label>
              <select id="setup-expires" data-autofocus value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)}>
                <option value="1h">1 hour</option>
                <option value="24h">24 hours</option>
                <option value="72h">3 days</option>
                <option value="7d">7 days</option>
                <option value="30d">30 days</option>
              </select>
            </div>
            {error === null ? null : <ErrorMessage error={error} title="Could not create the link" />}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              Create link
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function RevokeLinkDialog({ orgId, link, onClose }: { orgId: string; link: SetupLink | null; onClose: () => void }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: (l: SetupLink) => api<SetupLink>('DELETE', orgPath(orgId, `/setup-links/${encodeURIComponent(l.id)}`)),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['setup-links', orgId] });
      onClose();
    },
  });
  return (
    <ConfirmDialog open={link !== null} title="Revoke this setup link?" confirmLabel="Revoke link" onConfirm={() => link && revoke.mutate(link)} onClose={onClose} busy={revoke.isPending}>
      <p>Whoever uses the link is signed out at their next step and cannot sign in with it again.</p>
      {revoke.isError ? <ErrorMessage error={revoke.error} title="Could not revoke the link" /> : null}
    </ConfirmDialog>
  );
}

const MAIL_STATUS: Record<string, BadgeTone> = { sent: 'ok', logged: 'info', failed: 'bad', skipped: 'muted' };

export function MailLogPage({ org }: OrgPageProps) {
  const pager = usePager();
  const mail = useQuery({
    queryKey: ['mail', org.id, pager.cursor],
    queryFn: () => api<MailList>('GET', orgPath(org.id, `/mail${query({ cursor: pager.cursor, count: 50 })}`)),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      <PageHeader title="Mail log" />
      <p className="lead">Key-expiry reminders scimd sent (or, without SMTP configured, only recorded) for this organization, newest first.</p>
      {mail.isPending ? (
        <Loading what="Loading the mail log" />
      ) : mail.isError ? (
        <ErrorMessage error={mail.error} title="Could not load the mail log" />
      ) : mail.data.items.length === 0 ? (
        <Empty>No mail yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Mail log</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Kind</th>
                <th scope="col">Recipients</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {mail.data.items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Time value={m.createdAt} />
                  </td>
                  <td className="mono">{m.kind}</td>
                  <td>{m.recipients.length === 0 ? '—' : m.recipients.join(', ')}</td>
                  <td>
                    {m.subject}
                    <details>
                      <summary>Body</summary>
                      <pre className="json" tabIndex={0}>
                        {m.body}
                      </pre>
                    </details>
                  </td>
                  <td>
                    <Badge tone={MAIL_STATUS[m.status] ?? 'muted'}>{m.status}</Badge>
                    {m.error ? <div className="hint">{m.error}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pager={pager} nextCursor={mail.data?.nextCursor} label="Mail" />
    </>
  );
}
