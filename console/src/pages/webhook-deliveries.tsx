/**
 * One webhook endpoint's delivery log: every event sent (or waiting) with its status, attempts,
 * last HTTP status, latency and next retry, newest first and refreshed while open; each
 * delivery's attempts in a dialog; replay of one event, of every dead delivery, or of a time range.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, orgPath, query } from '../api/client';
import type { components } from '../api/schema';
import { useAuth } from '../auth';
import { Dialog } from '../components/dialog';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Pager, Time, usePager, type BadgeTone } from '../components/ui';
import { Link } from '../router';
import type { OrgPageProps } from './org-shell';
import { EndpointStatus, type WebhookEndpoint } from './webhooks';

type Delivery = components['schemas']['WebhookDelivery'];
type Attempt = components['schemas']['WebhookAttempt'];

const STATUS: Record<Delivery['status'], { label: string; tone: BadgeTone }> = {
  pending: { label: 'Pending', tone: 'info' },
  leased: { label: 'Sending', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'ok' },
  dead: { label: 'Dead', tone: 'bad' },
};

/** A retry is due only for a pending delivery that was already tried. */
const nextRetry = (d: Delivery): string | null => (d.status === 'pending' && d.attempts > 0 ? d.nextAttemptAt : null);

/** `datetime-local` (the reader's time zone) → ISO 8601 UTC. */
const iso = (local: string): string | undefined => (local === '' ? undefined : new Date(local).toISOString());

export function WebhookPage({ org, params }: OrgPageProps) {
  const id = params['webhookId'] ?? '';
  const { can } = useAuth();
  const writable = can('webhooks:write');
  const client = useQueryClient();
  const path = orgPath(org.id, `/webhooks/${encodeURIComponent(id)}`);
  const [status, setStatus] = useState<'' | Delivery['status']>('');
  const pager = usePager(status);
  const [inspecting, setInspecting] = useState<Delivery | null>(null);
  const [ranging, setRanging] = useState(false);
  const [said, setSaid] = useState('');
  const endpoint = useQuery({ queryKey: ['webhook', org.id, id], queryFn: () => api<WebhookEndpoint>('GET', path) });
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', org.id, id, status, pager.cursor],
    queryFn: () => api<{ items: Delivery[]; nextCursor?: string }>('GET', `${path}/deliveries${query({ status, cursor: pager.cursor, count: 25 })}`),
    placeholderData: (previous) => previous,
    refetchInterval: 5000,
  });
  const replay = useMutation({
    mutationFn: (body: { eventId?: string; dead?: boolean; from?: string; to?: string }) => api<{ queued: number }>('POST', `${path}/replay`, body),
    onSuccess: (result) => {
      setSaid(`Queued ${result.queued} ${result.queued === 1 ? 'delivery' : 'deliveries'} again.`);
      void client.invalidateQueries({ queryKey: ['webhook-deliveries', org.id, id] });
    },
  });

  const title = endpoint.data?.url ?? 'Webhook endpoint';
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/orgs/${encodeURIComponent(org.id)}/webhooks`}>← Webhooks</Link>
      </p>
      <PageHeader title={endpoint.isError ? 'Webhook endpoint' : title}>
        {writable && endpoint.isSuccess ? (
          <>
            <button type="button" className="button" disabled={replay.isPending} onClick={() => replay.mutate({ dead: true })}>
              Replay all dead
            </button>
            <button type="button" className="button" onClick={() => setRanging(true)}>
              Replay a time range
            </button>
          </>
        ) : null}
      </PageHeader>
      {endpoint.isError ? <ErrorMessage error={endpoint.error} title="Could not load the endpoint" /> : null}
      {endpoint.data ? (
        <dl className="props">
          <dt>Status</dt>
          <dd>
            <EndpointStatus endpoint={endpoint.data} /> {endpoint.data.disabledReason ?? ''}
          </dd>
          <dt>Event types</dt>
          <dd className="mono">{endpoint.data.types.length === 0 ? 'All' : endpoint.data.types.join(', ')}</dd>
          {endpoint.data.failingSince ? (
            <>
              <dt>Failing since</dt>
              <dd>
                <Time value={endpoint.data.failingSince} />
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      <p role="status" aria-live="polite" className="hint">
        {said}
      </p>
      {replay.isError ? <ErrorMessage error={replay.error} title="Could not replay" /> : null}
      <h2>Delivery log</h2>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="delivery-status">Status</label>
          <select id="delivery-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">Any</option>
            <option value="pending">Pending</option>
            <option value="leased">Sending</option>
            <option value="delivered">Delivered</option>
            <option value="dead">Dead</option>
          </select>
        </div>
      </div>
      {deliveries.isPending ? (
        <Loading what="Loading the deliveries" />
      ) : deliveries.isError ? (
        <ErrorMessage error={deliveries.error} title="Could not load the deliveries" />
      ) : deliveries.data.items.length === 0 ? (
        <Empty>No deliveries{status === '' ? ' yet: events committed from now on appear here' : ' with this status'}.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Deliveries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last status code</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Next retry</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.items.map((d) => (
                  <tr key={d.id}>
                    <td className="mono">{d.eventType}</td>
                    <td>
                      <Badge tone={STATUS[d.status].tone}>{STATUS[d.status].label}</Badge>
                      {d.lastError ? <div className="hint">{d.lastError}</div> : null}
                    </td>
                    <td>{d.attempts}</td>
                    <td>{d.lastStatus ?? '—'}</td>
                    <td>{d.lastLatencyMs === null ? '—' : `${d.lastLatencyMs} ms`}</td>
                    <td>
                      <Time value={nextRetry(d)} />
                    </td>
                    <td>
                      <Time value={d.createdAt} />
                    </td>
                    <td className="actions">
                      <button type="button" className="button button-small" aria-label={`Attempts of ${d.eventType} ${d.eventId}`} onClick={() => setInspecting(d)}>
                        Attempts
                      </button>
                      {writable ? (
                        <button type="button" className="button button-small" aria-label={`Replay ${d.eventType} ${d.eventId}`} disabled={replay.isPending} onClick={() => replay.mutate({ eventId: d.eventId })}>
                          Replay
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pager={pager} nextCursor={deliveries.data.nextCursor} label="Deliveries" />
        </>
      )}
      <AttemptsDialog path={path} delivery={inspecting} onClose={() => setInspecting(null)} />
      <RangeDialog
        open={ranging}
        busy={replay.isPending}
        onClose={() => setRanging(false)}
        onReplay={(from, to) => replay.mutate({ from, ...(to ? { to } : {}) }, { onSuccess: () => setRanging(false) })}
        error={ranging && replay.isError ? replay.error : null}
      />
    </>
  );
}

function AttemptsDialog({ path, delivery, onClose }: { path: string; delivery: Delivery | null; onClose: () => void }) {
  const attempts = useQuery({
    queryKey: ['webhook-attempts', path, delivery?.id],
    queryFn: () => api<{ items: Attempt[] }>('GET', `${path}/attempts${query({ deliveryId: delivery?.id, count: 50 })}`),
    enabled: delivery !== null,
  });
  return (
    <Dialog open={delivery !== null} title="Delivery attempts" onClose={onClose} wide>
      <div className="dialog-body">
        <dl className="props">
          <dt>Event</dt>
          <dd className="mono">{delivery?.eventId}</dd>
          <dt>Type</dt>
          <dd className="mono">{delivery?.eventType}</dd>
        </dl>
        {attempts.isPending ? (
          <Loading what="Loading the attempts" />
        ) : attempts.isError ? (
          <ErrorMessage error={attempts.error} title="Could not load the attempts" />
        ) : attempts.data.items.length === 0 ? (
          <Empty>Not attempted yet: it waits for an earlier event of the same resource, or for its first try.</Empty>
        ) : (
          <ol className="attempts">
            {attempts.data.items.map((a) => (
              <li key={a.id}>
                <dl className="props">
                  <dt>Time</dt>
                  <dd>
                    <Time value={a.attemptedAt} />
                  </dd>
                  <dt>Status code</dt>
                  <dd>{a.statusCode ?? 'no response'}</dd>
                  <dt>Latency</dt>
                  <dd>{a.latencyMs} ms</dd>
                  {a.error ? (
                    <>
                      <dt>Error</dt>
                      <dd>{a.error}</dd>
                    </>
                  ) : null}
                  <dt>Response</dt>
                  <dd>{a.responseExcerpt ? <pre className="json">{a.responseExcerpt}</pre> : 'empty'}</dd>
                </dl>
              </li>
            ))}
          </ol>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button button-primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function RangeDialog({ open, busy, error, onClose, onReplay }: { open: boolean; busy: boolean; error: unknown; onClose: () => void; onReplay: (from: string, to: string | undefined) => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = iso(from);
    if (start) onReplay(start, iso(to));
  };
  return (
    <Dialog open={open} title="Replay a time range" onClose={onClose}>
      <form onSubmit={submit}>
        <div className="dialog-body">
          <p>Every event of the range is sent again with its original id — also events from before the endpoint existed. Your receiver should skip events it already applied.</p>
          <div className="field">
            <label htmlFor="replay-from">From</label>
            <input id="replay-from" type="datetime-local" required value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="replay-to">To (optional)</label>
            <input id="replay-to" type="datetime-local" aria-describedby="replay-to-hint" value={to} onChange={(e) => setTo(e.target.value)} />
            <p className="hint" id="replay-to-hint">
              Empty: up to now.
            </p>
          </div>
          {error ? <ErrorMessage error={error} title="Could not replay" /> : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Replay range
          </button>
        </div>
      </form>
    </Dialog>
  );
}
