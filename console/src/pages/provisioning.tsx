/**
 * Provisioning: the organization's sync jobs (`scimd sync job put`). For the chosen job: a status
 * panel (current cycle with a progress bar, counts, last cycle, next run), banners for quarantine
 * and held deletions, start / stop / restart, provision on demand with its step-by-step result,
 * and the provisioning logs with filters and CSV/JSON download; each log entry's steps open
 * under its row.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, download, orgPath, query } from '../api/client';
import type { components } from '../api/schema';
import { useAuth } from '../auth';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Time, type BadgeTone } from '../components/ui';
import type { OrgPageProps } from './org-shell';

type Schemas = components['schemas'];
type JobList = Schemas['ProvisioningJobList'];
type LogList = Schemas['ProvisioningLogList'];
type LogEntry = Schemas['ProvisioningLogEntry'];

interface Progress {
  objectType: 'User' | 'Group';
  done: number;
  total: number;
}
interface Status {
  job: string;
  current: { runId: string; kind: string; startedAt: string; countsSoFar: Record<string, number>; progress: Progress | null } | null;
  lastCompleted: { runId: string; kind: string; status: string; endedAt: string | null; totals: Record<string, unknown> | null; error: string | null } | null;
  nextRun: { at: string | null; enabled: boolean; intervalMinutes: number };
  held: { since: string; reason: string | null } | null;
  deletionApprovalPending: string | null;
  quarantine: { active: boolean; reason: string | null; code: string | null; since: string | null; step: number };
  disabledAt: string | null;
}
interface Step {
  name: string;
  status: 'success' | 'failure' | 'skipped';
  description: string;
  details: Record<string, unknown>;
}
interface Report {
  runId: string;
  status: Step['status'];
  objects: { objectType: string; sourceKey: string | null; status: Step['status']; steps: Step[] }[];
  membersLeftOut?: number;
}

const TONE: Record<string, BadgeTone> = { success: 'ok', Success: 'ok', succeeded: 'ok', failure: 'bad', Failure: 'bad', failed: 'bad', skipped: 'muted', Skipped: 'muted', Warning: 'warn', blocked: 'warn', interrupted: 'warn' };
const COUNTS = ['created', 'updated', 'disabled', 'deleted', 'linked', 'skipped', 'failed', 'escrowed', 'unchanged'] as const;

const jobPath = (orgId: string, job: string, rest = '') => orgPath(orgId, `/provisioning/jobs/${encodeURIComponent(job)}${rest}`);

function StatusPanel({ status }: { status: Status }) {
  const current = status.current;
  const p = current?.progress ?? null;
  const totals = status.lastCompleted?.totals ?? null;
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      {current === null ? (
        <p>No cycle is running.</p>
      ) : (
        <>
          <p>
            Current {current.kind} cycle, started <Time value={current.startedAt} />.
          </p>
          <label htmlFor="cycle-progress">{p === null ? 'Progress: not reported yet' : `${p.objectType === 'User' ? 'Users' : 'Groups'}: ${p.done} of ${p.total}`}</label>
          <progress id="cycle-progress" max={p?.total || 1} value={p === null ? undefined : p.done} />
          <p>So far: {Object.entries(current.countsSoFar).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing logged yet'}</p>
        </>
      )}
      <dl>
        <dt>Last completed cycle</dt>
        <dd>
          {status.lastCompleted === null ? (
            'None yet'
          ) : (
            <>
              <Badge tone={TONE[status.lastCompleted.status] ?? 'info'}>{status.lastCompleted.status}</Badge> {status.lastCompleted.kind}, ended <Time value={status.lastCompleted.endedAt} />
              {status.lastCompleted.error ? ` — ${status.lastCompleted.error}` : ''}
            </>
          )}
        </dd>
        {totals === null ? null : (
          <>
            <dt>Totals</dt>
            <dd>{COUNTS.filter((k) => typeof totals[k] === 'number').map((k) => `${String(totals[k])} ${k}`).join(', ')}</dd>
          </>
        )}
        <dt>Next run</dt>
        <dd>{status.nextRun.enabled ? <Time value={status.nextRun.at} empty="when the schedule picks it up" /> : 'Stopped'} (every {status.nextRun.intervalMinutes} min)</dd>
      </dl>
    </section>
  );
}

function StepList({ report }: { report: Report }) {
  return (
    <section aria-labelledby="result-title">
      <h3 id="result-title">
        Result: <Badge tone={TONE[report.status] ?? 'info'}>{report.status}</Badge>
      </h3>
      {report.objects.map((object, i) => (
        <div key={`${object.objectType}-${object.sourceKey ?? i}`}>
          <h4>
            {object.objectType} {object.sourceKey ?? '(not found)'}
          </h4>
          <ol>
            {object.steps.map((step) => (
              <li key={step.name}>
                <Badge tone={TONE[step.status] ?? 'info'}>{step.status}</Badge> <strong>{step.name}</strong>: {step.description}
                <details>
                  <summary>Details of {step.name}</summary>
                  <pre>{JSON.stringify(step.details, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
        </div>
      ))}
      {report.membersLeftOut ? <p>{report.membersLeftOut} more members were left for the next cycle (at most 5 on demand).</p> : null}
    </section>
  );
}

function ProvisionForm({ orgId, job, onDone }: { orgId: string; job: string; onDone: () => void }) {
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [value, setValue] = useState('');
  const run = useMutation({
    mutationFn: () => api<Report>('POST', jobPath(orgId, job, '/provision'), { [kind]: value.trim() }),
    onSuccess: onDone,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() !== '') run.mutate();
  };
  return (
    <section className="card" aria-labelledby="pod-title">
      <h2 id="pod-title">Provision on demand</h2>
      <form className="toolbar" onSubmit={submit} aria-label="Provision on demand">
        <div className="field field-inline">
          <label htmlFor="pod-kind">Object</label>
          <select id="pod-kind" value={kind} onChange={(e) => setKind(e.target.value as 'user' | 'group')}>
            <option value="user">User</option>
            <option value="group">Group (and up to 5 members)</option>
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="pod-value">Source key or name</label>
          <input id="pod-value" value={value} required onChange={(e) => setValue(e.target.value)} />
        </div>
        <button type="submit" className="button button-primary" disabled={run.isPending}>
          {run.isPending ? 'Provisioning…' : 'Provision'}
        </button>
      </form>
      {run.isError ? <ErrorMessage error={run.error} title="Could not provision" /> : null}
      {run.data ? <StepList report={run.data} /> : null}
    </section>
  );
}

interface Filters {
  status: string;
  action: string;
  identity: string;
}
const NO_FILTERS: Filters = { status: '', action: '', identity: '' };

const LOG_COLUMNS = 7;

/** One log entry; its Steps button opens the steps (Import, Scope, Match, Action) in a row below. */
function LogRow({ entry: e }: { entry: LogEntry }) {
  const [open, setOpen] = useState(false);
  const stepsId = `log-steps-${e.id}`;
  return (
    <>
      <tr>
        <td>
          <Time value={e.at} />
        </td>
        <td>
          {e.objectType} {e.sourceKey}
        </td>
        <td>{e.action}</td>
        <td>
          <Badge tone={TONE[e.status] ?? 'info'}>{e.status}</Badge>
        </td>
        <td>{e.reason === null ? '' : `${e.errorCode ? `[${e.errorCode}] ` : ''}${e.reason}`}</td>
        <td>{e.modified.map((m) => `${m.name}: ${JSON.stringify((m as { before?: unknown }).before ?? null)} → ${JSON.stringify((m as { after?: unknown }).after ?? null)}`).join('; ')}</td>
        <td>
          {e.steps.length === 0 ? (
            '—'
          ) : (
            <button type="button" className="button button-small" aria-expanded={open} aria-controls={stepsId} aria-label={`Steps of ${e.objectType} ${e.sourceKey}`} onClick={() => setOpen((o) => !o)}>
              Steps ({e.steps.length})
            </button>
          )}
        </td>
      </tr>
      {open ? (
        <tr id={stepsId}>
          <td colSpan={LOG_COLUMNS}>
            <ol aria-label={`Steps of ${e.objectType} ${e.sourceKey}`}>
              {e.steps.map((step, i) => (
                <li key={`${i}-${step.name}`}>
                  <Badge tone={TONE[step.status] ?? 'info'}>{step.status}</Badge> <strong>{step.name}</strong>: {step.description}
                  {Object.keys(step.details).length === 0 ? null : <code className="step-details">{JSON.stringify(step.details)}</code>}
                </li>
              ))}
            </ol>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function LogsSection({ orgId, job, slug }: { orgId: string; job: string; slug: string }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [exportError, setExportError] = useState<unknown>(null);
  const params = { status: applied.status || undefined, action: applied.action || undefined, identity: applied.identity.trim() || undefined };
  const logs = useQuery({ queryKey: ['provisioning-logs', orgId, job, applied], queryFn: () => api<LogList>('GET', jobPath(orgId, job, `/logs${query({ ...params, count: 100 })}`)) });
  const exportAs = (format: 'csv' | 'json') => {
    setExportError(null);
    download(jobPath(orgId, job, `/logs/export${query({ ...params, format })}`), `provisioning-logs-${slug}-${job}.${format}`).catch(setExportError);
  };
  const set = (key: keyof Filters, v: string) => setDraft((d) => ({ ...d, [key]: v }));
  return (
    <section aria-labelledby="logs-title">
      <div className="page-actions">
        <h2 id="logs-title">Provisioning logs</h2>
        <button type="button" className="button" onClick={() => exportAs('csv')}>
          Download CSV
        </button>
        <button type="button" className="button" onClick={() => exportAs('json')}>
          Download JSON
        </button>
      </div>
      {exportError === null ? null : <ErrorMessage error={exportError} title="Could not download" />}
      <form
        className="toolbar"
        aria-label="Filter the provisioning logs"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
      >
        <div className="field field-inline">
          <label htmlFor="l-status">Status</label>
          <select id="l-status" value={draft.status} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any</option>
            {['Success', 'Failure', 'Skipped', 'Warning'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="l-action">Action</label>
          <select id="l-action" value={draft.action} onChange={(e) => set('action', e.target.value)}>
            <option value="">Any</option>
            {['Create', 'Update', 'Disable', 'Delete', 'Other'].map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="l-identity">Identity (source key or target id)</label>
          <input id="l-identity" value={draft.identity} onChange={(e) => set('identity', e.target.value)} />
        </div>
        <button type="submit" className="button button-primary">
          Apply filters
        </button>
      </form>
      {logs.isPending ? (
        <Loading what="Loading the provisioning logs" />
      ) : logs.isError ? (
        <ErrorMessage error={logs.error} title="Could not load the provisioning logs" />
      ) : logs.data.items.length === 0 ? (
        <Empty>No provisioning log entries match.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Provisioning logs</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Identity</th>
                <th scope="col">Action</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Modified properties</th>
                <th scope="col">Steps</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.items.map((e: LogEntry) => (
                <LogRow key={e.id} entry={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function JobView({ orgId, job, slug }: { orgId: string; job: string; slug: string }) {
  const { can } = useAuth();
  const writable = can('provisioning:write');
  const client = useQueryClient();
  const status = useQuery({ queryKey: ['provisioning-status', orgId, job], queryFn: () => api<Status>('GET', jobPath(orgId, job)), refetchInterval: 5000 });
  const refresh = () => void client.invalidateQueries({ queryKey: ['provisioning-status', orgId, job] }).then(() => client.invalidateQueries({ queryKey: ['provisioning-logs', orgId, job] }));
  const control = useMutation({ mutationFn: (verb: 'start' | 'stop' | 'restart' | 'approve-deletions') => api('POST', jobPath(orgId, job, `/${verb}`)), onSuccess: refresh });
  if (status.isPending) return <Loading what="Loading the job's status" />;
  if (status.isError) return <ErrorMessage error={status.error} title="Could not load the job's status" />;
  const s = status.data;
  return (
    <>
      {s.quarantine.active ? (
        <div className="alert alert-warn" role="alert">
          <strong>In quarantine since <Time value={s.quarantine.since} /> ({s.quarantine.code}).</strong> {s.quarantine.reason} Cycles run less often until one succeeds; after four weeks the job is disabled.
        </div>
      ) : null}
      {s.disabledAt !== null ? (
        <div className="alert alert-error" role="alert">
          <strong>Disabled</strong> after four weeks in quarantine (<Time value={s.disabledAt} />). Fix the cause, then restart.
        </div>
      ) : null}
      {s.held !== null ? (
        <div className="alert alert-warn" role="alert">
          <strong>On hold at the deletion threshold.</strong> {s.held.reason}
          {s.deletionApprovalPending ? <> Approved <Time value={s.deletionApprovalPending} />: the next cycle proceeds.</> : null}
        </div>
      ) : null}
      {writable ? (
        <div className="page-actions" role="group" aria-label="Job controls">
          <button type="button" className="button" disabled={control.isPending} onClick={() => control.mutate('start')}>
            Start
          </button>
          <button type="button" className="button" disabled={control.isPending} onClick={() => control.mutate('stop')}>
            Stop
          </button>
          <button type="button" className="button" disabled={control.isPending} onClick={() => control.mutate('restart')}>
            Restart
          </button>
          <button type="button" className="button button-danger" disabled={control.isPending || s.held === null} onClick={() => control.mutate('approve-deletions')}>
            Approve deletions
          </button>
        </div>
      ) : null}
      {control.isError ? <ErrorMessage error={control.error} title="The action failed" /> : null}
      <StatusPanel status={s} />
      {writable ? <ProvisionForm orgId={orgId} job={job} onDone={refresh} /> : null}
      <LogsSection orgId={orgId} job={job} slug={slug} />
    </>
  );
}

export function ProvisioningPage({ org }: OrgPageProps) {
  const jobs = useQuery({ queryKey: ['provisioning-jobs', org.id], queryFn: () => api<JobList>('GET', orgPath(org.id, '/provisioning/jobs')) });
  const [chosen, setChosen] = useState<string | null>(null);
  const job = chosen ?? jobs.data?.items[0]?.name ?? null;
  return (
    <>
      <PageHeader title="Provisioning" />
      {jobs.isPending ? (
        <Loading what="Loading the provisioning jobs" />
      ) : jobs.isError ? (
        <ErrorMessage error={jobs.error} title="Could not load the provisioning jobs" />
      ) : jobs.data.items.length === 0 || job === null ? (
        <Empty>No provisioning jobs yet. Store one with: scimd sync job put --config job.jsonc --org {org.id}</Empty>
      ) : (
        <>
          <div className="field field-inline">
            <label htmlFor="job-select">Job</label>
            <select id="job-select" value={job} onChange={(e) => setChosen(e.target.value)}>
              {jobs.data.items.map((j) => (
                <option key={j.name} value={j.name}>
                  {j.name} → {j.targetUrl ?? '?'}
                  {j.enabled ? '' : ' (stopped)'}
                  {j.quarantined ? ' (quarantine)' : ''}
                </option>
              ))}
            </select>
          </div>
          <JobView key={job} orgId={org.id} job={job} slug={org.slug} />
        </>
      )}
    </>
  );
}
