/**
 * Bearer authentication of SCIM requests (RFC 6750 §2.1, RFC 7644 §2): the key identifies the
 * organization (tenant) and every later call is scoped by it. The key service decides; this edge
 * renders: 401 + `WWW-Authenticate: Bearer` for a missing, unknown, expired or revoked key; 403 for
 * an admin (`api`) key, a caller outside the key's IP allow-list, or an organization with SCIM off.
 */
import type { Context } from 'hono';
import type { Authenticator, AuthenticationResult } from '../services/authenticator.ts';
import { scimActor } from '../services/context.ts';
import { ScimError } from '../core/scim-error.ts';
import type { AppEnv } from './env.ts';
import { ScimHttpError } from './render-error.ts';
import type { RateLimitDecision } from './rate-limit.ts';

const BEARER = /^bearer[ \t]+([^\s]+)[ \t]*$/i;
const CHALLENGE = 'Bearer realm="scimd"';

const FAILURE_DETAIL: Readonly<Record<Exclude<AuthenticationResult, { ok: true }>['reason'], string>> = {
  malformed: 'The bearer token is not a scimd key; paste the SCIM key exactly as it was shown',
  unknown: 'The bearer token is not a valid key; check the Secret Token configured in the identity provider',
  expired: 'The bearer token has expired; generate a new SCIM key and update the identity provider',
  revoked: 'The bearer token has been revoked; generate a new SCIM key and update the identity provider',
};

function unauthorized(detail: string, invalidToken: boolean): ScimHttpError {
  const challenge = invalidToken ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE;
  return new ScimHttpError(401, detail, { 'WWW-Authenticate': challenge });
}

/** The secret of an `Authorization: Bearer <secret>` header (scheme case-insensitive), or undefined. */
export function bearerSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header.trim())?.[1];
}

export interface ScimAuthOptions {
  readonly authenticator: Authenticator;
  /** The caller's IP address as the app sees it (see AppDeps.trustProxy). */
  readonly clientIp: (c: Context<AppEnv>) => string | undefined;
}

/**
 * Authenticates a SCIM request and sets `principal` and `operation`: extracts the bearer secret,
 * lets the key service decide (`authorize(secret, ip, 'scim')`) and throws a refusal as 401 or 403.
 * A step of the SCIM gate (scim/gate.ts), not a middleware of its own.
 */
export function createScimAuthentication(options: ScimAuthOptions): (c: Context<AppEnv>) => Promise<void> {
  return async function authenticateScim(c) {
    const header = c.req.header('Authorization');
    const secret = bearerSecret(header);
    if (secret === undefined) {
      const detail = header === undefined
        ? 'Authentication required: send the SCIM key as "Authorization: Bearer <key>"'
        : 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <key>"';
      throw unauthorized(detail, false);
    }
    const ip = options.clientIp(c);
    const result = await options.authenticator.authorize(secret, ip, 'scim');
    if (!result.ok) {
      if (result.status === 401) throw unauthorized(FAILURE_DETAIL[result.reason], true);
      // The activity report of a 403 still knows the organization.
      c.set('principal', result.principal);
      throw new ScimError(403, undefined, result.detail);
    }
    const principal = result.principal;
    c.set('principal', principal);
    c.set('operation', {
      orgId: principal.orgId,
      actor: scimActor(principal.keyId, principal.keyDescription),
      requestId: c.get('requestId'),
      ...(ip === undefined ? {} : { sourceIp: ip }),
      strict: principal.strict,
    });
  };
}

/** The 429 (with `Retry-After`) for a key whose bucket is empty; undefined when the request may go on. */
export function rateLimitRefusal(decision: RateLimitDecision): ScimHttpError | undefined {
  if (decision.allowed) return undefined;
  return new ScimHttpError(
    429,
    `Too many requests for this key; retry after ${decision.retryAfterSeconds} second(s)`,
    { 'Retry-After': String(decision.retryAfterSeconds) },
  );
}
