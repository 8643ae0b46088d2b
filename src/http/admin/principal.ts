/**
 * Who is calling the admin API, from `Authorization: Bearer <token>` or
 * the session cookie: an operator session (`scimd_session_…`, every organization), a setup link
 * (`scimd_setup_…`, one organization's toggle, keys and history), or an `api` key (one
 * organization, its scopes; the key service decides whether the key may be used, see
 * services/key-authorization.ts). Failures are the same SCIM error bodies as on the SCIM API.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { ScimError } from '../../core/scim-error.ts';
import type { Authenticator } from '../../services/authenticator.ts';
import type { Actor } from '../../services/context.ts';
import { operatorActor, SESSION_TOKEN_PREFIX, type OperatorService } from '../../services/operators.ts';
import { SETUP_TOKEN_PREFIX, type SetupLinkService } from '../../services/setup-links.ts';
import { bearerSecret } from '../auth.ts';
import type { AppEnv } from '../env.ts';
import { ScimHttpError } from '../render-error.ts';
import { effectiveScopes, SETUP_LINK_SCOPES, type Scope } from './scopes.ts';

/** The name of the operator session cookie. */
export const SESSION_COOKIE = 'scimd_session';

export type AdminPrincipal =
  | { readonly kind: 'operator'; readonly operatorId: string; readonly email: string; readonly sessionId: string; readonly expiresAt: string; readonly via: 'cookie' | 'bearer' }
  | { readonly kind: 'apiKey'; readonly orgId: string; readonly keyId: string; readonly description: string; readonly scopes: ReadonlySet<Scope> }
  | { readonly kind: 'setupLink'; readonly orgId: string; readonly linkId: string; readonly expiresAt: string; readonly scopes: ReadonlySet<Scope> };

export interface AdminAuthDeps {
  readonly operators: Pick<OperatorService, 'authenticate'>;
  readonly setupLinks: Pick<SetupLinkService, 'authenticate'>;
  readonly apiKeys: Authenticator;
  /** The caller's IP address, for API keys with an IP allow-list. */
  readonly clientIp: (c: Context<AppEnv>) => string | undefined;
}

const CHALLENGE = 'Bearer realm="scimd"';
const unauthorized = (detail: string) => new ScimHttpError(401, detail, { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` });

/** The revision-history actor of an admin API caller. */
export function actorOf(principal: AdminPrincipal): Actor {
  switch (principal.kind) {
    case 'operator':
      return operatorActor(principal);
    case 'apiKey':
      return { type: 'admin', id: principal.keyId, name: `API key (${principal.description})` };
    case 'setupLink':
      return { type: 'admin', id: principal.linkId, name: `Customer admin (setup link ${principal.linkId})` };
  }
}

/** True when the caller holds `scope` in the organization `orgId`. */
export function holds(principal: AdminPrincipal, orgId: string, scope: Scope): boolean {
  if (principal.kind === 'operator') return true;
  return principal.orgId === orgId && principal.scopes.has(scope);
}

/** Creates the function that identifies the caller of an admin request, or throws 401/403. */
export function createAdminAuthenticator(deps: AdminAuthDeps) {
  async function operator(token: string, via: 'cookie' | 'bearer'): Promise<AdminPrincipal> {
    const session = await deps.operators.authenticate(token);
    if (!session) throw unauthorized('The session has expired or was ended; log in again with POST /api/v1/session');
    return { kind: 'operator', ...session, via };
  }

  async function setupLink(token: string): Promise<AdminPrincipal> {
    const result = await deps.setupLinks.authenticate(token);
    if (!result.ok) {
      const why = result.reason === 'unknown' ? 'is not valid' : `has ${result.reason === 'expired' ? 'expired' : 'been revoked'}`;
      throw unauthorized(`The setup link ${why}; ask your provider for a new one`);
    }
    return { kind: 'setupLink', ...result.principal, scopes: effectiveScopes(SETUP_LINK_SCOPES) };
  }

  async function apiKey(c: Context<AppEnv>, secret: string): Promise<AdminPrincipal> {
    const result = await deps.apiKeys.authorize(secret, deps.clientIp(c), 'api');
    if (!result.ok) {
      if (result.status === 401) throw unauthorized(`The bearer token is not a valid key (${result.reason}); use an API key, a session token or a setup-link token`);
      throw new ScimError(403, undefined, result.detail);
    }
    const { orgId, keyId, keyDescription, scopes } = result.principal;
    return { kind: 'apiKey', orgId, keyId, description: keyDescription, scopes: effectiveScopes(scopes) };
  }

  return async function authenticateAdmin(c: Context<AppEnv>): Promise<AdminPrincipal> {
    const header = c.req.header('Authorization');
    const bearer = bearerSecret(header);
    if (bearer !== undefined) {
      if (bearer.startsWith(SESSION_TOKEN_PREFIX)) return operator(bearer, 'bearer');
      if (bearer.startsWith(SETUP_TOKEN_PREFIX)) return setupLink(bearer);
      return apiKey(c, bearer);
    }
    if (header !== undefined) throw unauthorized('The Authorization header must use the Bearer scheme: "Authorization: Bearer <token>"');
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie !== undefined) return operator(cookie, 'cookie');
    throw new ScimHttpError(401, 'Authentication required: send "Authorization: Bearer <API key, session or setup-link token>", or log in with POST /api/v1/session', {
      'WWW-Authenticate': CHALLENGE,
    });
  };
}

export type AdminAuthenticator = ReturnType<typeof createAdminAuthenticator>;
