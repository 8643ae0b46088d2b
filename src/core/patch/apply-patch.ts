/**
 * The PATCH engine (RFC 7644 §3.5.2): applies a list of add / replace / remove operations to a
 * resource, all or nothing, without mutating the input. Accepts the request shapes Microsoft Entra
 * ID and Okta really send (docs/patch.md lists each leniency; `strict` turns them off) and folds
 * operations on delta attributes (group `members`) into membership deltas for the store.
 */
import { getIgnoreCase, isPlainObject } from '../json.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import type { ResourceSchemas, ScimResource } from '../schema/types.ts';
import { badRequest, isScimError, ScimError } from '../scim-error.ts';
import { applyNoPath, applyTarget } from './apply-target.ts';
import type { PatchContext } from './context.ts';
import { cloneJson } from './json-values.ts';
import { finishPatch } from './finish-patch.ts';
import { resolvePatchPath } from './resolve-target.ts';
import type { PatchOperation, PatchOpName, PatchOptions, PatchResult } from './types.ts';

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/** The operation name in any case (Entra sends `Add`, `Replace`, `Remove`, docs/clients.md §2.7). */
function opName(raw: unknown): PatchOpName {
  const name = typeof raw === 'string' ? raw.toLowerCase() : '';
  const found = OP_NAMES.find((candidate) => candidate === name);
  if (found === undefined) {
    throw badRequest('invalidSyntax', `"op" must be "add", "replace" or "remove", got ${describeValue(raw)}`);
  }
  return found;
}

function applyOperation(context: PatchContext, operation: unknown): void {
  if (!isPlainObject(operation)) throw badRequest('invalidSyntax', `an operation must be an object, got ${describeValue(operation)}`);
  const op = opName(getIgnoreCase(operation, 'op'));
  const path = getIgnoreCase(operation, 'path');
  const value = getIgnoreCase(operation, 'value');
  if (op === 'remove' && value !== undefined && context.strict) {
    throw badRequest('invalidValue', '"remove" takes no "value" in strict mode; select values with a filter in "path"');
  }
  if (op !== 'remove' && value === undefined) throw badRequest('invalidValue', `"${op}" needs a "value"`);
  const noPath = path === undefined || path === null || (path === '' && !context.strict);
  if (!noPath) return applyTarget(context, resolvePatchPath(path, context.schemas), op, value);
  if (op === 'remove') throw badRequest('noTarget', '"remove" needs a "path" naming what to remove (RFC 7644 §3.5.2.2)');
  applyNoPath(context, op, value);
}

function checkOperations(operations: readonly PatchOperation[], options: PatchOptions): void {
  if (!Array.isArray(operations)) {
    throw badRequest('invalidSyntax', `"Operations" must be an array, got ${describeValue(operations)}`);
  }
  if (operations.length === 0 && options.strict) throw badRequest('invalidSyntax', '"Operations" must hold at least one operation');
  const max = options.maxOperations;
  if (max !== undefined && operations.length > max) {
    throw new ScimError(413, undefined, `The request holds ${operations.length} operations; at most ${max} are accepted`);
  }
}

function withOperationIndex(error: unknown, index: number): unknown {
  if (!isScimError(error)) return error;
  return new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.detail}`);
}

/**
 * Applies `operations` to `resource` (RFC 7644 §3.5.2) and returns the new resource, the changed
 * top-level attributes and the membership deltas. Throws only `ScimError` (400 `invalidPath`,
 * `invalidValue`, `invalidFilter`, `mutability`, `noTarget`, `invalidSyntax`; 413 for too many
 * operations), and then nothing has been applied.
 */
export function applyPatch(
  resource: ScimResource,
  operations: readonly PatchOperation[],
  schemas: ResourceSchemas,
  options: PatchOptions = {},
): PatchResult {
  checkOperations(operations, options);
  const context: PatchContext = {
    schemas,
    strict: options.strict === true,
    resource: cloneJson(resource),
    originalId: resource['id'],
    touched: new Map(),
    deltaNames: new Set((options.deltaAttributes ?? []).map((name) => name.toLowerCase())),
    deltas: new Map(),
  };
  operations.forEach((operation, index) => {
    try {
      applyOperation(context, operation);
    } catch (error) {
      throw withOperationIndex(error, index);
    }
  });
  return finishPatch(context, resource);
}
