/** Revision-history rows: time, actor, action, resource and each changed attribute before → after. */
import type { AuditEvent } from '../api/types';
import { Link } from '../router';
import { Time } from './ui';

const obj = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

function show(value: unknown): string {
  if (value === undefined) return '∅';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** The changed attributes of an event's `changes` ({ before, after, changed? }). */
export function changedAttributes(changes: unknown): { name: string; before: unknown; after: unknown }[] {
  const c = obj(changes);
  const before = obj(c['before']);
  const after = obj(c['after']);
  const names = Array.isArray(c['changed']) ? (c['changed'] as unknown[]).map(String) : [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.map((name) => ({ name, before: before[name], after: after[name] }));
}

function Changes({ changes }: { changes: unknown }) {
  const rows = changedAttributes(changes);
  if (rows.length === 0) {
    const c = obj(changes);
    return Object.keys(c).length === 0 ? <>—</> : <span className="mono">{show(changes)}</span>;
  }
  return (
    <ul className="changes">
      {rows.map((row) => (
        <li key={row.name}>
          <span className="mono">{row.name}</span>: <span className="diff-before">{show(row.before)}</span> → <span className="diff-after">{show(row.after)}</span>
        </li>
      ))}
    </ul>
  );
}

export function HistoryTable({ events, orgId, caption }: { events: readonly AuditEvent[]; orgId: string; caption: string }) {
  const base = `/orgs/${encodeURIComponent(orgId)}`;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Resource</th>
            <th scope="col">Changed attributes (before → after)</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>
                <Time value={event.occurredAt} />
              </td>
              <td>{event.actorName}</td>
              <td className="mono">{event.action}</td>
              <td>
                {event.resourceType}
                {event.resourceId === null ? null : event.resourceType === 'User' ? (
                  <div>
                    <Link className="mono" to={`${base}/users/${encodeURIComponent(event.resourceId)}`}>
                      {event.resourceId}
                    </Link>
                  </div>
                ) : event.resourceType === 'Group' ? (
                  <div>
                    <Link className="mono" to={`${base}/groups/${encodeURIComponent(event.resourceId)}`}>
                      {event.resourceId}
                    </Link>
                  </div>
                ) : (
                  <div className="mono hint">{event.resourceId}</div>
                )}
              </td>
              <td>
                <Changes changes={event.changes} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
