// A host application's webhook receiver for scimd: it verifies the Standard Webhooks signature,
// ignores duplicates (same webhook-id) and stale events (a lower `sequence` than the one already
// applied to that user), and keeps its own users table in step with the identity provider.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** Five minutes either way, as the Standard Webhooks reference libraries allow. */
const TOLERANCE_SECONDS = 300;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * True when one of the `v1,<base64>` signatures in `webhook-signature` is the HMAC-SHA256 of
 * `{webhook-id}.{webhook-timestamp}.{body}` under the secret, and the timestamp is recent.
 */
export function verifySignature(secret, headers, body, nowSeconds = Math.floor(Date.now() / 1000), tolerance = TOLERANCE_SECONDS) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  const sentAt = Number(timestamp);
  if (!Number.isInteger(sentAt) || Math.abs(nowSeconds - sentAt) > tolerance) return false;
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The host application's own view of a user. */
function rowOf(resource, sequence) {
  const email = Array.isArray(resource.emails) ? (resource.emails.find((e) => e.primary) ?? resource.emails[0])?.value : undefined;
  return {
    id: resource.id,
    userName: resource.userName,
    displayName: resource.displayName ?? null,
    email: email ?? null,
    active: resource.active !== false,
    sequence,
  };
}

/** Applies one CloudEvent from scimd to the tables; returns what it did. */
export function applyEvent(tables, event) {
  const sequence = Number(event.sequence);
  const subject = event.subject;
  const last = tables.lastSequence.get(subject) ?? 0;
  // At-least-once delivery and replays can repeat or reorder events: older news is ignored.
  if (sequence <= last) return 'stale';
  tables.lastSequence.set(subject, sequence);
  switch (event.type) {
    case 'scimd.user.created':
    case 'scimd.user.updated':
    case 'scimd.user.deactivated':
    case 'scimd.user.reactivated':
      tables.users.set(subject, rowOf(event.data.resource, sequence));
      return 'upserted';
    case 'scimd.user.deleted':
      tables.users.delete(subject);
      for (const members of tables.groupMembers.values()) members.delete(subject);
      return 'deleted';
    case 'scimd.group.members.added':
    case 'scimd.group.members.removed': {
      const members = tables.groupMembers.get(subject) ?? new Set();
      for (const id of event.data.members) {
        if (event.type.endsWith('added')) members.add(id);
        else members.delete(id);
      }
      tables.groupMembers.set(subject, members);
      return 'members';
    }
    case 'scimd.group.deleted':
      tables.groupMembers.delete(subject);
      return 'deleted';
    default:
      return 'ignored';
  }
}

/** Creates the receiver: POST /webhooks/scimd with the signing secret of the endpoint. */
export function createHostApp({ secret, path = '/webhooks/scimd', log = () => {} }) {
  const tables = { users: new Map(), groupMembers: new Map(), lastSequence: new Map(), seenIds: new Set() };
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifySignature(secret, req.headers, body)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
        return;
      }
      const id = req.headers['webhook-id'];
      if (tables.seenIds.has(id)) {
        res.writeHead(204).end();
        return;
      }
      let event;
      try {
        event = JSON.parse(body);
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('not JSON');
        return;
      }
      const outcome = applyEvent(tables, event);
      tables.seenIds.add(id);
      log({ id, type: event.type, subject: event.subject, sequence: event.sequence, outcome });
      res.writeHead(204).end();
    });
  });
  return { server, tables };
}
