/**
 * `POST /Bulk` (RFC 7644 §3.7): runs each operation through the same User and Group use cases as
 * the single-resource routes, resolves `bulkId:<id>` references in later operations' paths and data
 * (running an operation after the POST it refers to, even when it was listed first), reports a
 * status per operation, and stops once `failOnErrors` operations have failed.
 */
import type { Context, Hono } from 'hono';
import { bulkResponse, parseBulkRequest, type BulkOperationRequest, type BulkOperationResult } from '../../core/messages/bulk.ts';
import { errorBody } from '../../core/messages/error-body.ts';
import { parsePatchRequest } from '../../core/messages/patch-request.ts';
import { ScimError, badRequest } from '../../core/scim-error.ts';
import { etagOf } from '../../services/context.ts';
import { readJsonBody } from '../body.ts';
import type { AppEnv } from '../env.ts';
import { toScimError } from '../render-error.ts';
import { ifMatchVersions, locationOf } from './present.ts';
import type { ResourceEndpoint } from './resources.ts';
import { send, tracked, type ScimSetup } from './setup.ts';

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

/** Replaces `bulkId:<id>` strings with the ids the earlier POSTs created. */
function substitute(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(BULK_ID)) return value;
    const id = ids.get(value.slice(BULK_ID.length));
    if (id === undefined) throw badRequest('invalidValue', `"${value}" does not name a resource created earlier in this bulk request`);
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]));
  }
  return value;
}

interface Target {
  readonly endpoint: ResourceEndpoint;
  readonly id?: string;
}

function targetOf(setup: ScimSetup, operation: BulkOperationRequest, ids: ReadonlyMap<string, string>): Target {
  const match = /^\/(users|groups)(?:\/([^/]+))?\/?$/i.exec(operation.path);
  if (!match) throw badRequest('invalidValue', `Bulk path "${operation.path}" must be /Users, /Groups, /Users/{id} or /Groups/{id}`);
  const endpoint = match[1]?.toLowerCase() === 'users' ? setup.users : setup.groups;
  const id = match[2] === undefined ? undefined : (substitute(decodeURIComponent(match[2]), ids) as string);
  if (operation.method === 'POST' && id !== undefined) throw badRequest('invalidValue', `POST goes to /${endpoint.segment}, not to "${operation.path}"`);
  if (operation.method !== 'POST' && id === undefined) throw badRequest('invalidValue', `${operation.method} needs a resource id in its path, got "${operation.path}"`);
  return { endpoint, ...(id === undefined ? {} : { id }) };
}

function expected(operation: BulkOperationRequest): number | undefined {
  const versions = ifMatchVersions(operation.version);
  return versions === undefined ? undefined : (versions[0] ?? -1);
}

interface RunState {
  readonly c: Context<AppEnv>;
  readonly setup: ScimSetup;
  readonly ids: Map<string, string>;
}

async function execute(state: RunState, operation: BulkOperationRequest): Promise<BulkOperationResult> {
  const { c, setup, ids } = state;
  const ctx = c.get('operation');
  const { endpoint, id = '' } = targetOf(setup, operation, ids);
  const data = substitute(operation.data, ids);
  const echo = { method: operation.method, ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }) };
  const location = (resourceId: string) => locationOf(setup.baseUrl(c), endpoint, resourceId);
  switch (operation.method) {
    case 'POST': {
      const view = await tracked(setup, endpoint.type, 'create', () => endpoint.create(ctx, data));
      const created = String(view.resource['id']);
      if (operation.bulkId !== undefined) ids.set(operation.bulkId, created);
      return { ...echo, status: 201, location: location(created), version: etagOf(view.version) };
    }
    case 'PUT': {
      const view = await tracked(setup, endpoint.type, 'replace', () => endpoint.replace(ctx, id, data, expected(operation)));
      return { ...echo, status: 200, location: location(id), version: etagOf(view.version) };
    }
    case 'PATCH': {
      const operations = parsePatchRequest(data, { lenient: !(ctx.strict ?? false), maxOperations: setup.limits.maxPatchOperations ?? 1000 });
      const view = await tracked(setup, endpoint.type, 'patch', () => endpoint.patch(ctx, id, operations, expected(operation)));
      return { ...echo, status: 200, location: location(id), version: etagOf(view.version) };
    }
    case 'DELETE':
      await tracked(setup, endpoint.type, 'delete', () => endpoint.remove(ctx, id, expected(operation)));
      return { ...echo, status: 204, location: location(id) };
  }
}

function failure(state: RunState, operation: BulkOperationRequest, error: unknown): BulkOperationResult {
  let scim = toScimError(error);
  if (scim === undefined) {
    state.c.get('log').error({ err: error, bulkId: operation.bulkId }, 'unexpected error in a bulk operation');
    scim = new ScimError(500, undefined, `The operation could not be completed; quote request id ${state.c.get('requestId')}`);
  }
  return {
    method: operation.method,
    ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }),
    status: scim.status,
    response: errorBody(scim),
  };
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

/** Registers `POST /Bulk` under `prefix`. */
export function registerBulkRoute(app: Hono<AppEnv>, setup: ScimSetup, prefix: string): void {
  app.post(`${prefix}/Bulk`, async (c) => {
    const ctx = c.get('operation');
    const { maxOperations, maxPayloadSize } = { maxOperations: setup.limits.bulkMaxOperations, maxPayloadSize: setup.limits.bulkMaxPayloadBytes };
    const body = await readJsonBody(c.req.raw, { maxBytes: maxPayloadSize, limitName: 'bulk maxPayloadSize' });
    const request = parseBulkRequest(body.value, { maxOperations, maxPayloadSize, payloadSize: body.bytes, lenient: !(ctx.strict ?? false) });
    const state: RunState = { c, setup, ids: new Map() };
    const { order, circular } = executionOrder(request.operations);
    const results = new Map<number, BulkOperationResult>();
    let errors = 0;
    for (const index of [...order, ...circular]) {
      if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
      const operation = request.operations[index] as BulkOperationRequest;
      try {
        if (circular.includes(index)) throw new ScimError(409, undefined, `Operation ${index} is part of a circular bulkId reference`);
        results.set(index, await execute(state, operation));
      } catch (error) {
        errors += 1;
        results.set(index, failure(state, operation, error));
      }
    }
    const ordered = [...results.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
    return send(c, 200, bulkResponse(ordered));
  });
}
