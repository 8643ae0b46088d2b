/**
 * The one decision of whether a bearer secret may be used for a request: the key must exist and be
 * valid (else 401), be of the type the API needs (`scim` for the SCIM API, `api` for the admin
 * API), be used from an address its IP allow-list permits, and — for SCIM — belong to an
 * organization with SCIM turned on (else 403). Both HTTP edges extract the token, call
 * `authorize`, and render the result (hono's `bearerAuth({ verifyToken })` split).
 */
import type { AuthenticationResult, AuthorizationResult, KeyPrincipal, KeyUse } from './authenticator.ts';
import { createAllowlistCache } from './ip-allowlist.ts';

/** The detail of the 403 for an organization whose SCIM toggle is off. */
export const SCIM_DISABLED_DETAIL = 'SCIM provisioning is disabled for this organization';

const WRONG_TYPE_DETAIL: Readonly<Record<KeyUse, string>> = {
  scim: 'This key is an admin API key; the SCIM API needs a key of type SCIM',
  api: 'This key is a SCIM key; it can only provision users and groups. The admin API needs a key of type API',
};

type Refusal = Extract<AuthorizationResult, { status: 403 }>;

const refuse = (principal: KeyPrincipal, reason: Refusal['reason'], detail: string): Refusal => ({ ok: false, status: 403, reason, detail, principal });

/** Creates `authorize(secret, ip, use)` over a key lookup (`authenticate`). */
export function createKeyAuthorizer(authenticate: (secret: string) => Promise<AuthenticationResult>) {
  const allowlistOf = createAllowlistCache();

  function allowedFrom(principal: KeyPrincipal, ip: string | undefined): Refusal | undefined {
    if (principal.ipAllowlist.length === 0) return undefined;
    let allowed: boolean;
    try {
      allowed = ip !== undefined && allowlistOf(principal.ipAllowlist).allows(ip);
    } catch {
      return refuse(principal, 'ipAllowlistInvalid', 'The IP allow-list of this key is not valid; an administrator must fix it');
    }
    return allowed ? undefined : refuse(principal, 'ipNotAllowed', `This key may not be used from ${ip ?? 'an unknown address'}; it has an IP allow-list`);
  }

  /** Decides whether `secret`, sent from `ip`, may call the `use` API; never throws for a refusal. */
  return async function authorize(secret: string, ip: string | undefined, use: KeyUse): Promise<AuthorizationResult> {
    const result = await authenticate(secret);
    if (!result.ok) return { ok: false, status: 401, reason: result.reason };
    const { principal } = result;
    if (principal.keyType !== use) return refuse(principal, 'wrongKeyType', WRONG_TYPE_DETAIL[use]);
    const outside = allowedFrom(principal, ip);
    if (outside) return outside;
    if (use === 'scim' && !principal.scimEnabled) return refuse(principal, 'scimDisabled', SCIM_DISABLED_DETAIL);
    return { ok: true, principal };
  };
}
