/**
 * The PatchOp message (RFC 7644 §3.5.2) read into normalised operations: `op` lower-cased (Entra
 * sends `Add`/`Replace`/`Remove`, docs/clients.md S4), member names case-insensitive, `path` kept as
 * sent for the path parser. What the operations mean is the PATCH engine's business.
 */
import { ScimError, badRequest } from '../scim-error.ts';
import { URN } from '../urns.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import type { PatchOpName, PatchOperation } from '../patch/types.ts';
import { optionalString, readFields, requireSchema } from './message-fields.ts';

export interface PatchRequestOptions {
  /** Accept a body whose `schemas` does not list the PatchOp URN (default false). */
  readonly lenient?: boolean;
  /** The most operations one request may carry; more is a 413 (default 1000). */
  readonly maxOperations?: number;
}

const OPS: readonly PatchOpName[] = ['add', 'replace', 'remove'];

function operation(item: unknown, index: number): PatchOperation {
  const where = `Operations[${index}].`;
  const fields = readFields(item, `PATCH operation (Operations[${index}])`);
  const raw = fields.get('op');
  const op = typeof raw === 'string' ? OPS.find((o) => o === raw.toLowerCase()) : undefined;
  if (op === undefined) {
    const got = raw === undefined ? 'it is missing' : `got ${describeValue(raw)}`;
    throw badRequest('invalidSyntax', `${where}op must be "add", "replace" or "remove"; ${got}`);
  }
  const rawPath = optionalString(fields, 'path', `${where}path`);
  const path = rawPath === undefined || rawPath.trim() === '' ? undefined : rawPath;
  const value = fields.get('value');
  if (op === 'remove' && path === undefined) {
    throw badRequest('noTarget', `${where}path is required for "remove" (RFC 7644 §3.5.2.2)`);
  }
  if (op !== 'remove' && value === undefined) {
    throw badRequest('invalidValue', `${where}value is required for "${op}"`);
  }
  return { op, ...(path === undefined ? {} : { path }), ...(value === undefined ? {} : { value }) };
}

/**
 * Reads a PATCH body (RFC 7644 §3.5.2) into its operations. Throws 400 invalidSyntax for a missing
 * PatchOp schema (unless lenient), a missing or empty `Operations` list or an unknown `op`; 400
 * noTarget for `remove` without `path`; 400 invalidValue for `add`/`replace` without `value`; 413
 * when there are more than `maxOperations` operations. A `null` value counts as missing.
 */
export function parsePatchRequest(body: unknown, options: PatchRequestOptions = {}): PatchOperation[] {
  const fields = readFields(body, 'PATCH request');
  if (!options.lenient) requireSchema(fields, URN.patchOp, 'PATCH request');
  const list = fields.get('operations');
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequest('invalidSyntax', 'A PATCH request must carry a non-empty "Operations" array');
  }
  const max = options.maxOperations ?? 1000;
  if (list.length > max) {
    throw new ScimError(413, undefined, `A PATCH request may carry at most ${max} operations, got ${list.length}`);
  }
  return list.map((item: unknown, index) => operation(item, index));
}
