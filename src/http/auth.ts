/**
 * Bearer authentication of SCIM requests (RFC 6750 §2.1, RFC 7644 §2): the key identifies the
 * organization (tenant) and every later call is scoped by it. Failures are SCIM errors:
 * 401 + `WWW-Authenticate: Bearer` for a missing, unknown, expired or revoked key; 403 for an admin
 * (`api`) key, a caller outside the key's IP allow-list, or an organization with SCIM turned off.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Authenticator, AuthenticationResult, KeyPrincipal } from '../services/authenticator.ts';
import { scimActor } from '../services/context.ts';
import { ScimError } from '../core/scim-error.ts';
import type { AppEnv } from './env.ts';
import { createAllowlistCache } from '../services/ip-allowlist.ts';
import { ScimHttpError } from './render-error.ts';
import type { RateLimiter } from './rate-limit.ts';

/** The detail of the 403 for an organization whose SCIM toggle is off. */
export const SCIM_DISABLED_DETAIL = 'SCIM provisioning is disabled for this organization';

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

function authorize(principal: KeyPrincipal, ip: string | undefined, allowlistOf: ReturnType<typeof createAllowlistCache>): void {
  if (principal.keyType !== 'scim') {
    throw new ScimError(403, undefined, 'This key is an admin API key; the SCIM API needs a key of type SCIM');
  }
  if (principal.ipAllowlist.length > 0) {
    let allowed: boolean;
    try {
      allowed = ip !== undefined && allowlistOf(principal.ipAllowlist).allows(ip);
    } catch {
      throw new ScimError(403, undefined, 'The IP allow-list of this key is not valid; an administrator must fix it');
    }
    if (!allowed) throw new ScimError(403, undefined, `This key may not be used from ${ip ?? 'an unknown address'}; it has an IP allow-list`);
  }
  if (!principal.scimEnabled) throw new ScimError(403, undefined, SCIM_DISABLED_DETAIL);
}

/** Creates the middleware that authenticates a SCIM request and sets `principal` and `operation`. */
export function scimAuth(options: ScimAuthOptions): MiddlewareHandler<AppEnv> {
  const allowlistOf = createAllowlistCache();
  return async function authenticateScim(c, next) {
    const header = c.req.header('Authorization');
    const secret = bearerSecret(header);
    if (secret === undefined) {
      const detail = header === undefined
        ? 'Authentication required: send the SCIM key as "Authorization: Bearer <key>"'
        : 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <key>"';
      throw unauthorized(detail, false);
    }
    const result = await options.authenticator.authenticate(secret);
    if (!result.ok) throw unauthorized(FAILURE_DETAIL[result.reason], true);
    const principal = result.principal;
    const ip = options.clientIp(c);
    // Set before authorizing, so the activity report of a 403 knows the organization.
    c.set('principal', principal);
    authorize(principal, ip, allowlistOf);
    c.set('operation', {
      orgId: principal.orgId,
      actor: scimActor(principal.keyId, principal.keyDescription),
      requestId: c.get('requestId'),
      ...(ip === undefined ? {} : { sourceIp: ip }),
      strict: principal.strict,
    });
    await next();
  };
}

/** Creates the per-key rate-limit middleware: 429 + `Retry-After` when the key's bucket is empty. */
export function scimRateLimit(limiter: RateLimiter): MiddlewareHandler<AppEnv> {
  return async function limitRate(c, next) {
    const decision = limiter.take(c.get('principal').keyId);
    if (!decision.allowed) {
      throw new ScimHttpError(
        429,
        `Too many requests for this key; retry after ${decision.retryAfterSeconds} second(s)`,
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
    }
    await next();
  };
}
