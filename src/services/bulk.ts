/**
 * The Bulk use case (RFC 7644 §3.7): runs each operation of a parsed BulkRequest through the same
 * User and Group use cases as the single-resource endpoints, each after the POSTs whose `bulkId`
 * it references, with created ids substituted, and stops once `failOnErrors` operations failed.
 * Returns one outcome per operation that ran, in request order; the HTTP edge renders them.
 */
import { executionOrder, bulkTargetOf, substituteBulkIds, type BulkTarget } from '../core/messages/bulk-references.ts';
import type { BulkMethod, BulkOperationRequest, BulkRequest } from '../core/messages/bulk.ts';
import { parsePatchRequest } from '../core/messages/patch-request.ts';
import { ScimError } from '../core/scim-error.ts';
import { versionFromEtag, type OperationContext } from './context.ts';
import type { GroupService } from './scim-groups.ts';
import type { UserService } from './scim-users.ts';

/** What one operation did: a status and the resource it touched, or the error it failed with. */
export type BulkOutcome =
  | { readonly ok: true; readonly method: BulkMethod; readonly bulkId?: string; readonly status: number; readonly type: BulkTarget['type']; readonly id: string; readonly version?: number }
  | { readonly ok: false; readonly method: BulkMethod; readonly bulkId?: string; readonly error: unknown };

/** The kind of write an operation is, as metrics and logs name it. */
export type BulkWrite = 'create' | 'replace' | 'patch' | 'delete';

export interface BulkServiceDeps {
  readonly users: UserService;
  readonly groups: GroupService;
  readonly maxPatchOperations?: number;
  /** Wraps every write (the HTTP edge counts them in its metrics); runs it as is when omitted. */
  readonly observe?: <T>(type: BulkTarget['type'], write: BulkWrite, run: () => Promise<T>) => Promise<T>;
}

/** The version an operation's `version` (an ETag) asks for: undefined for none or `*`, -1 when it cannot match. */
function expectedVersion(operation: BulkOperationRequest): number | undefined {
  if (operation.version === undefined || operation.version.trim() === '') return undefined;
  const named = operation.version.split(',').map(versionFromEtag);
  if (named.includes('*')) return undefined;
  return named.find((v): v is number => typeof v === 'number') ?? -1;
}

/** Creates the Bulk use case over the user and group services. */
export function createBulkService(deps: BulkServiceDeps) {
  const observe = deps.observe ?? (<T>(_type: string, _write: BulkWrite, run: () => Promise<T>) => run());

  async function execute(ctx: OperationContext, operation: BulkOperationRequest, ids: Map<string, string>): Promise<BulkOutcome> {
    const target = bulkTargetOf(operation, ids);
    const id = target.id ?? '';
    const data = substituteBulkIds(operation.data, ids);
    const expected = expectedVersion(operation);
    const echo = { ok: true as const, method: operation.method, ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }), type: target.type };
    const users = target.type === 'User';
    switch (operation.method) {
      case 'POST': {
        const view = await observe(target.type, 'create', () => (users ? deps.users.create(ctx, data) : deps.groups.create(ctx, data)));
        const created = String(view.resource['id']);
        if (operation.bulkId !== undefined) ids.set(operation.bulkId, created);
        return { ...echo, status: 201, id: created, version: view.version };
      }
      case 'PUT': {
        const view = await observe(target.type, 'replace', () => (users ? deps.users.replace(ctx, id, data, expected) : deps.groups.replace(ctx, id, data, expected)));
        return { ...echo, status: 200, id, version: view.version };
      }
      case 'PATCH': {
        const operations = parsePatchRequest(data, { lenient: !(ctx.strict ?? false), maxOperations: deps.maxPatchOperations ?? 1000 });
        const options = { withMembers: false, ...(expected === undefined ? {} : { expectedVersion: expected }) };
        const view = await observe(target.type, 'patch', () => (users ? deps.users.patch(ctx, id, operations, expected) : deps.groups.patch(ctx, id, operations, options)));
        return { ...echo, status: 200, id, version: view.version };
      }
      case 'DELETE':
        await observe(target.type, 'delete', () => (users ? deps.users.remove(ctx, id, expected) : deps.groups.remove(ctx, id, expected)));
        return { ...echo, status: 204, id };
    }
  }

  return {
    /** Runs the request's operations (see the module comment); never throws for a failed operation. */
    async run(ctx: OperationContext, request: BulkRequest): Promise<BulkOutcome[]> {
      const ids = new Map<string, string>();
      const { order, circular } = executionOrder(request.operations);
      const outcomes = new Map<number, BulkOutcome>();
      let errors = 0;
      for (const index of [...order, ...circular]) {
        if (request.failOnErrors !== undefined && errors >= request.failOnErrors) break;
        const operation = request.operations[index] as BulkOperationRequest;
        try {
          if (circular.includes(index)) throw new ScimError(409, undefined, `Operation ${index} is part of a circular bulkId reference`);
          outcomes.set(index, await execute(ctx, operation, ids));
        } catch (error) {
          errors += 1;
          outcomes.set(index, { ok: false, method: operation.method, ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }), error });
        }
      }
      return [...outcomes.entries()].sort(([a], [b]) => a - b).map(([, outcome]) => outcome);
    },
  };
}

export type BulkService = ReturnType<typeof createBulkService>;
