/**
 * `bulkId:<id>` references between the operations of a BulkRequest (RFC 7644 §3.7.2): which
 * operations an operation depends on, the order that runs each one after the POSTs it refers to,
 * the substitution of created ids, and the resource an operation's path names.
 */
import { badRequest } from '../scim-error.ts';
import type { BulkOperationRequest } from './bulk.ts';

const BULK_ID = 'bulkId:';

/** Every `bulkId:<id>` an operation refers to in its path or data. */
export function referencedBulkIds(operation: BulkOperationRequest): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith(BULK_ID)) found.add(value.slice(BULK_ID.length));
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  for (const segment of operation.path.split('/')) visit(decodeURIComponent(segment));
  visit(operation.data);
  return found;
}

/** Replaces `bulkId:<id>` strings with the ids the earlier POSTs created; 400 for an unknown one. */
export function substituteBulkIds(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(BULK_ID)) return value;
    const id = ids.get(value.slice(BULK_ID.length));
    if (id === undefined) throw badRequest('invalidValue', `"${value}" does not name a resource created earlier in this bulk request`);
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => substituteBulkIds(v, ids));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteBulkIds(v, ids)]));
  }
  return value;
}

/**
 * The order to run operations in: each one after the POSTs whose bulkIds it references, otherwise
 * in request order. Operations caught in a reference cycle come back in `circular`.
 */
export function executionOrder(operations: readonly BulkOperationRequest[]): { order: number[]; circular: number[] } {
  const creators = new Map<string, number>();
  operations.forEach((op, i) => op.method === 'POST' && op.bulkId !== undefined && creators.set(op.bulkId, i));
  const needs = operations.map((op, i) => [...referencedBulkIds(op)].map((ref) => creators.get(ref)).filter((j): j is number => j !== undefined && j !== i));
  const done = new Set<number>();
  const order: number[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (let i = 0; i < operations.length; i += 1) {
      if (done.has(i) || !(needs[i] ?? []).every((j) => done.has(j))) continue;
      done.add(i);
      order.push(i);
      progressed = true;
      break;
    }
  }
  return { order, circular: operations.map((_, i) => i).filter((i) => !done.has(i)) };
}

/** The resource an operation's path names: its type and, except for POST, its id (references substituted). */
export interface BulkTarget {
  readonly type: 'User' | 'Group';
  readonly id?: string;
}

/** Reads `/Users`, `/Groups`, `/Users/{id}` or `/Groups/{id}` (any case); 400 for anything else. */
export function bulkTargetOf(operation: BulkOperationRequest, ids: ReadonlyMap<string, string>): BulkTarget {
  const match = /^\/(users|groups)(?:\/([^/]+))?\/?$/i.exec(operation.path);
  if (!match) throw badRequest('invalidValue', `Bulk path "${operation.path}" must be /Users, /Groups, /Users/{id} or /Groups/{id}`);
  const type = match[1]?.toLowerCase() === 'users' ? 'User' : 'Group';
  const id = match[2] === undefined ? undefined : (substituteBulkIds(decodeURIComponent(match[2]), ids) as string);
  if (operation.method === 'POST' && id !== undefined) throw badRequest('invalidValue', `POST goes to /${type}s, not to "${operation.path}"`);
  if (operation.method !== 'POST' && id === undefined) throw badRequest('invalidValue', `${operation.method} needs a resource id in its path, got "${operation.path}"`);
  return { type, ...(id === undefined ? {} : { id }) };
}
