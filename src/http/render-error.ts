/**
 * The one error exit of the HTTP layer (STYLE.md, Errors): any thrown value becomes a SCIM Error
 * message (RFC 7644 §3.12). A ScimError keeps its status, scimType and detail; anything else is a
 * 500 with a generic detail naming the request id. The reason goes to the access-log line: a
 * 4xx's detail and scimType at warn, a 500's cause with its stack at error.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errorBody } from '../core/messages/error-body.ts';
import { ScimError, isScimError } from '../core/scim-error.ts';
import type { AppEnv } from './env.ts';
import { scimResponse } from './respond.ts';

/** Extra response headers some errors carry (`WWW-Authenticate`, `Retry-After`, `Allow`). */
export class ScimHttpError extends ScimError {
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, detail: string, headers: Readonly<Record<string, string>>) {
    super(status, undefined, detail);
    this.headers = headers;
  }
}

/** Normalises anything thrown into a ScimError; `undefined` for an unexpected failure (500). */
export function toScimError(error: unknown): ScimError | undefined {
  if (isScimError(error)) return error;
  if (error instanceof HTTPException && error.status >= 400 && error.status < 500) {
    return new ScimError(error.status, undefined, error.message || 'The request was rejected');
  }
  return undefined;
}

/** Renders `error` as a SCIM error response for the request `c` (logging unexpected ones). */
export function renderError(error: unknown, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  let scim = toScimError(error);
  if (scim === undefined) {
    // The access-log line (observe.ts) logs it at error with its stack and the request id.
    c.set('failure', { status: 500, err: error });
    c.set('errorLogged', true);
    scim = new ScimError(500, undefined, `The server could not complete the request; quote request id ${requestId} when reporting it`);
  } else {
    c.set('failure', { status: scim.status, scimType: scim.scimType, detail: scim.detail });
  }
  const headers: Record<string, string> = { 'X-Request-Id': requestId };
  // observe.ts then leaves the header alone without asking the response for its headers.
  if (requestId !== 'unknown') c.set('requestIdSent', true);
  if (scim instanceof ScimHttpError) Object.assign(headers, scim.headers);
  return scimResponse({ status: scim.status, body: errorBody(scim), headers, acceptEncoding: c.req.header('Accept-Encoding') });
}
