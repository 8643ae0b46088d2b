/** Provisioning activity: operations per hour or per day, the last success and the last errors with their SCIM error body. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, orgPath } from '../api/client';
import type { Activity, ActivityBucket } from '../api/types';
import { Badge, Empty, ErrorMessage, Loading, PageHeader, Time } from '../components/ui';
import type { OrgPageProps } from './org-shell';

const SERIES: { key: keyof Omit<ActivityBucket, 'start'>; label: string; className: string }[] = [
  { key: 'creates', label: 'Created', className: 's-created' },
  { key: 'updates', label: 'Updated', className: 's-updated' },
  { key: 'deactivations', label: 'Deactivated', className: 's-deactivated' },
  { key: 'deletes', label: 'Deleted', className: 's-deleted' },
  { key: 'errors', label: 'Errors', className: 's-errors' },
];

const total = (b: ActivityBucket) => SERIES.reduce((sum, s) => sum + b[s.key], 0);

function bucketLabel(start: string, bucket: 'hour' | 'day'): string {
  const date = new Date(start);
  return bucket === 'hour' ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Stacked bars, one per bucket; the same numbers are in the table below it. */
function Chart({ activity }: { activity: Activity }) {
  const width = 720;
  const height = 220;
  const pad = { left: 34, right: 8, top: 8, bottom: 26 };
  const max = Math.max(1, ...activity.buckets.map(total));
  const slot = (width - pad.left - pad.right) / Math.max(1, activity.buckets.length);
  const scale = (height - pad.top - pad.bottom) / max;
  const sums = SERIES.map((s) => `${activity.buckets.reduce((n, b) => n + b[s.key], 0)} ${s.label.toLowerCase()}`).join(', ');
  const every = Math.ceil(activity.buckets.length / 8);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Operations per ${activity.bucket}: ${sums}`}>
      <line className="chart-axis" x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} />
      <text className="chart-label" x={pad.left - 4} y={pad.top + 8} textAnchor="end">
        {max}
      </text>
      <text className="chart-label" x={pad.left - 4} y={height - pad.bottom} textAnchor="end">
        0
      </text>
      {activity.buckets.map((b, i) => {
        let y = height - pad.bottom;
        const x = pad.left + i * slot + slot * 0.15;
        return (
          <g key={b.start}>
            {SERIES.map((s) => {
              const h = b[s.key] * scale;
              y -= h;
              return h > 0 ? <rect key={s.key} className={s.className} x={x} y={y} width={slot * 0.7} height={h} /> : null;
            })}
            {i % every === 0 ? (
              <text className="chart-label" x={x + slot * 0.35} y={height - 8} textAnchor="middle">
                {bucketLabel(b.start, activity.bucket)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

export function ActivityPage({ org }: OrgPageProps) {
  const [bucket, setBucket] = useState<'hour' | 'day'>('hour');
  const activity = useQuery({
    queryKey: ['activity', org.id, bucket, 'page'],
    queryFn: () => api<Activity>('GET', orgPath(org.id, `/activity?bucket=${bucket}&errors=10`)),
    refetchInterval: 30_000,
  });
  return (
    <>
      <PageHeader title="Activity" />
      <fieldset className="radios toolbar">
        <legend>Period</legend>
        <div className="check">
          <input id="bucket-hour" type="radio" name="bucket" checked={bucket === 'hour'} onChange={() => setBucket('hour')} />
          <label htmlFor="bucket-hour">Last 24 hours, per hour</label>
        </div>
        <div className="check">
          <input id="bucket-day" type="radio" name="bucket" checked={bucket === 'day'} onChange={() => setBucket('day')} />
          <label htmlFor="bucket-day">Last 30 days, per day</label>
        </div>
      </fieldset>
      {activity.isPending ? (
        <Loading what="Loading the activity" />
      ) : activity.isError ? (
        <ErrorMessage error={activity.error} title="Could not load the activity" />
      ) : (
        <>
          <section className="card" aria-labelledby="activity-chart">
            <h2 id="activity-chart">Operations per {bucket}</h2>
            <ul className="legend">
              {SERIES.map((s) => (
                <li key={s.key}>
                  <span className={`swatch ${s.className}`} aria-hidden="true" />
                  {s.label}
                </li>
              ))}
            </ul>
            <Chart activity={activity.data} />
            <details>
              <summary>Show the numbers as a table</summary>
              <div className="table-wrap">
                <table>
                  <caption className="sr-only">Operations per {bucket}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{bucket === 'hour' ? 'Hour' : 'Day'}</th>
                      {SERIES.map((s) => (
                        <th scope="col" key={s.key}>
                          {s.label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {activity.data.buckets.map((b) => (
                      <tr key={b.start}>
                        <td>
                          <Time value={b.start} />
                        </td>
                        {SERIES.map((s) => (
                          <td key={s.key}>{b[s.key]}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </section>
          <section className="card" aria-labelledby="activity-last">
            <h2 id="activity-last">Last successful request</h2>
            <p>
              <Time value={activity.data.lastSuccessAt} empty="None in this period." />
            </p>
          </section>
          <section aria-labelledby="activity-errors">
            <h2 id="activity-errors">Last errors</h2>
            {activity.data.lastErrors.length === 0 ? (
              <Empty>No failed SCIM requests.</Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <caption className="sr-only">Last errors</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Request</th>
                      <th scope="col">Status</th>
                      <th scope="col">SCIM error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {activity.data.lastErrors.map((e) => (
                      <tr key={e.id}>
                        <td>
                          <Time value={e.occurredAt} />
                        </td>
                        <td className="mono">
                          {e.method} {e.path}
                        </td>
                        <td>
                          <Badge tone="bad">{e.status}</Badge> {e.scimType ?? ''}
                        </td>
                        <td>
                          {e.detail}
                          <details>
                            <summary>Error body</summary>
                            <pre className="json" tabIndex={0}>
                              {JSON.stringify(e.body, null, 2)}
                            </pre>
                          </details>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
