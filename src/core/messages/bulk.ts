/**
 * BulkRequest and BulkResponse (RFC 7644 §3.7). The parser checks the envelope and each operation's
 * shape and enforces the advertised limits; running the operations, and reporting each one's result,
 * is the bulk service's job.
 */
import { ScimError, badRequest } from '../scim-error.ts';
import { URN } from '../urns.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import { optionalString, readFields, requireSchema } from './message-fields.ts';
import type { Fields } from './message-fields.ts';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation of a BulkRequest (RFC 7644 §3.7.1). */
export interface BulkOperationRequest {
  readonly method: BulkMethod;
  readonly bulkId?: string;
  readonly version?: string;
  /** As sent, e.g. `/Users` or `/Groups/{id}`; may hold `bulkId:` references. */
  readonly path: string;
  readonly data?: unknown;
}

export interface BulkRequest {
  /** Stop after this many errors (RFC 7644 §3.7.3); absent means carry on. */
  readonly failOnErrors?: number;
  readonly operations: readonly BulkOperationRequest[];
}

/** The limits advertised in ServiceProviderConfig `bulk` (RFC 7643 §5). */
export interface BulkLimits {
  readonly maxOperations: number;
  readonly maxPayloadSize: number;
  /** The request body's size in bytes, as the HTTP layer measured it. */
  readonly payloadSize?: number;
  /** Accept a body whose `schemas` does not list the BulkRequest URN (default false). */
  readonly lenient?: boolean;
}

const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

function method(fields: Fields, where: string): BulkMethod {
  const raw = fields.get('method');
  const found = typeof raw === 'string' ? METHODS.find((m) => m === raw.toUpperCase()) : undefined;
  if (found) return found;
  const got = raw === undefined ? 'it is missing' : `got ${describeValue(raw)}`;
  throw badRequest('invalidSyntax', `${where}method must be POST, PUT, PATCH or DELETE; ${got}`);
}

function operation(item: unknown, index: number, bulkIds: Set<string>): BulkOperationRequest {
  const where = `Operations[${index}].`;
  const fields = readFields(item, `bulk operation (Operations[${index}])`);
  const verb = method(fields, where);
  const path = optionalString(fields, 'path', `${where}path`);
  if (path === undefined || !path.startsWith('/')) {
    const got = path === undefined ? 'it is missing' : `got ${describeValue(path)}`;
    throw badRequest('invalidValue', `${where}path must be a resource path such as "/Users"; ${got}`);
  }
  const bulkId = optionalString(fields, 'bulkId', `${where}bulkId`);
  if (verb === 'POST' && bulkId === undefined) throw badRequest('invalidValue', `${where}bulkId is required for POST`);
  if (bulkId !== undefined) {
    if (bulkIds.has(bulkId)) throw badRequest('invalidValue', `${where}bulkId "${bulkId}" is used by an earlier operation`);
    bulkIds.add(bulkId);
  }
  const data = fields.get('data');
  if (verb !== 'DELETE' && data === undefined) throw badRequest('invalidValue', `${where}data is required for ${verb}`);
  const version = optionalString(fields, 'version', `${where}version`);
  return {
    method: verb,
    ...(bulkId === undefined ? {} : { bulkId }),
    ...(version === undefined ? {} : { version }),
    path,
    ...(verb === 'DELETE' || data === undefined ? {} : { data }),
  };
}

function failOnErrors(fields: Fields): number | undefined {
  const value = fields.get('failonerrors');
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw badRequest('invalidValue', `"failOnErrors" must be an integer of at least 1, got ${describeValue(value)}`);
}

/**
 * Reads a BulkRequest (RFC 7644 §3.7). Throws 413 (RFC 7644 §3.7.4) when the payload or the number
 * of operations exceeds the limits, 400 invalidSyntax for a malformed envelope or method, 400
 * invalidValue for a bad path, a missing/duplicate bulkId on POST, missing data, or failOnErrors < 1.
 */
export function parseBulkRequest(body: unknown, limits: BulkLimits): BulkRequest {
  if (limits.payloadSize !== undefined && limits.payloadSize > limits.maxPayloadSize) {
    throw new ScimError(413, undefined, `The bulk request is ${limits.payloadSize} bytes; maxPayloadSize is ${limits.maxPayloadSize}`);
  }
  const fields = readFields(body, 'BulkRequest');
  if (!limits.lenient) requireSchema(fields, URN.bulkRequest, 'BulkRequest');
  const list = fields.get('operations');
  if (!Array.isArray(list)) throw badRequest('invalidSyntax', 'A BulkRequest must carry an "Operations" array');
  if (list.length > limits.maxOperations) {
    throw new ScimError(413, undefined, `The bulk request has ${list.length} operations; maxOperations is ${limits.maxOperations}`);
  }
  const bulkIds = new Set<string>();
  const operations = list.map((item: unknown, index) => operation(item, index, bulkIds));
  const stopAfter = failOnErrors(fields);
  return { ...(stopAfter === undefined ? {} : { failOnErrors: stopAfter }), operations };
}

/** The outcome of one bulk operation (RFC 7644 §3.7.3). */
export interface BulkOperationResult {
  readonly method: BulkMethod;
  readonly bulkId?: string;
  readonly version?: string;
  readonly location?: string;
  readonly status: number;
  /** The error body for a failed operation (see `errorBody`), or a resource when wanted. */
  readonly response?: unknown;
}

export interface BulkResponse {
  readonly schemas: readonly [typeof URN.bulkResponse];
  readonly Operations: readonly (Omit<BulkOperationResult, 'status'> & { readonly status: string })[];
}

/** Builds a BulkResponse; each `status` is rendered as a string, as in RFC 7644 §3.7.3. */
export function bulkResponse(results: readonly BulkOperationResult[]): BulkResponse {
  return {
    schemas: [URN.bulkResponse],
    Operations: results.map((r) => {
      const out: Record<string, unknown> = { method: r.method };
      if (r.bulkId !== undefined) out['bulkId'] = r.bulkId;
      if (r.version !== undefined) out['version'] = r.version;
      if (r.location !== undefined) out['location'] = r.location;
      out['status'] = String(r.status);
      if (r.response !== undefined) out['response'] = r.response;
      return out as Omit<BulkOperationResult, 'status'> & { status: string };
    }),
  };
}
