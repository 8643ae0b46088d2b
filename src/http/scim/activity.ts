/**
 * Reports the outcome of every authenticated SCIM request to the provisioning-activity service:
 * a success, or an error with the SCIM error body (RFC 7644 §3.12) the client
 * received. The SCIM gate reports refusals of its own steps too, so a 403 for a disabled
 * organization or an IP outside the allow-list is seen; requests whose key is unknown belong to no
 * organization and are skipped.
 */
import type { Context } from 'hono';
import { errorBody } from '../../core/messages/error-body.ts';
import { ScimError } from '../../core/scim-error.ts';
import type { ScimErrorReport } from '../../services/activity.ts';
import type { AppEnv } from '../env.ts';
import { toScimError } from '../render-error.ts';

/** Where the outcomes go (the activity service); recording must not throw or wait. */
export interface ActivityRecorder {
  recordSuccess(orgId: string): void;
  recordError(orgId: string, report: ScimErrorReport): void;
}

/** The error the client saw: the thrown ScimError, or the generic 500 / a status-only error. */
function errorOf(error: unknown, status: number, requestId: string): ScimError {
  const scim = toScimError(error);
  if (scim) return scim;
  if (status >= 500) return new ScimError(status, undefined, `The server could not complete the request; quote request id ${requestId} when reporting it`);
  return new ScimError(status, undefined, `HTTP ${status}`);
}

/** Reports the outcome of the finished request `c` to `recorder` (a step of the SCIM gate, scim/gate.ts). */
export function reportActivity(recorder: ActivityRecorder, c: Context<AppEnv>): void {
  const principal = c.get('principal');
  if (principal === undefined) return;
  const status = c.res.status;
  if (status < 400) {
    recorder.recordSuccess(principal.orgId);
    return;
  }
  const requestId = c.get('requestId') ?? null;
  const body = errorBody(errorOf(c.error, status, requestId ?? 'unknown')) as unknown as ScimErrorReport['body'];
  recorder.recordError(principal.orgId, { keyId: principal.keyId, requestId, method: c.req.method, path: c.req.path, status, body });
}
