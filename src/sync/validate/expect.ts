/**
 * How the checker judges an answer: the expectations a check asserts on a response (the status,
 * a SCIM ListResponse, a SCIM Error), each failing with what went wrong and a hint of what to
 * change, and the small readers of SCIM documents the checks share.
 */
import type { HttpResponse } from '../target/http-client.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type Doc = Record<string, unknown>;

/** A failed expectation: what went wrong and what to change. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** A check that cannot run because an earlier one did not produce what it needs. */
export class CheckSkipped extends Error {}

export const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);
export const docOf = (response: HttpResponse): Doc => (isObject(response.json) ? response.json : {});
export const filterPath = (resource: string, filter: string, extra = '') => `/${resource}?filter=${encodeURIComponent(filter)}${extra}`;
const schemasOf = (doc: Doc): string[] => (Array.isArray(doc.schemas) ? doc.schemas.filter((s): s is string => typeof s === 'string') : []);

/** What an earlier check produced, or a skip of the running check. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CheckSkipped(`needs ${what}`);
  return value;
}

/** The status is one of `allowed`; a 401 or 403 fails with a hint about the token instead of `hint`. */
export function expectStatus(response: HttpResponse, allowed: readonly number[], hint: string): void {
  if (allowed.includes(response.status)) return;
  if (response.status === 401 || response.status === 403) {
    throw new CheckFailed(`answered ${response.status} instead of ${allowed.join(' or ')}`, 'the token was refused: check the token and that it grants SCIM access to this resource');
  }
  throw new CheckFailed(`answered ${response.status} instead of ${allowed.join(' or ')}`, hint);
}

/** A 200 with a SCIM ListResponse (RFC 7644 §3.4.2) whose counters are numbers; returns its resources. */
export function expectList(response: HttpResponse, hint: string): Doc[] {
  expectStatus(response, [200], hint);
  const doc = docOf(response);
  if (!schemasOf(doc).includes(LIST) || (!Array.isArray(doc.Resources) && doc.totalResults !== 0)) {
    throw new CheckFailed('the body is not a SCIM ListResponse', 'answer lists with schemas ["…:ListResponse"], an integer totalResults and a Resources array');
  }
  for (const field of ['totalResults', 'startIndex', 'itemsPerPage'] as const) {
    if (doc[field] !== undefined && typeof doc[field] !== 'number') throw new CheckFailed(`${field} is not a number`, 'totalResults, startIndex and itemsPerPage must be JSON integers');
  }
  return Array.isArray(doc.Resources) ? doc.Resources.filter(isObject) : [];
}

/** `status` with a SCIM Error body (RFC 7644 §3.12) that has a detail; returns the body. */
export function expectScimError(response: HttpResponse, status: number, hint: string): Doc {
  expectStatus(response, [status], hint);
  const doc = docOf(response);
  if (!schemasOf(doc).includes(ERROR)) throw new CheckFailed(`the ${status} body has no SCIM Error schema`, `answer errors with {"schemas":["${ERROR}"],"status":"${status}","detail":"…"}`);
  if (typeof doc.detail !== 'string' || doc.detail === '') throw new CheckFailed(`the ${status} error has no detail`, 'add a human-readable "detail" to SCIM errors; Okta asserts it and both clients show it to admins');
  return doc;
}
