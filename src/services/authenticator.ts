/**
 * The contract between the HTTP edges and the API-key service: a bearer secret (and the caller's
 * address and the API it calls) in, the caller's organization and key — or why not — out. The
 * edges render a refusal: 401 for a key that is not valid, 403 for one that may not be used here.
 */

export interface KeyPrincipal {
  readonly orgId: string;
  readonly keyId: string;
  readonly keyType: 'scim' | 'api';
  readonly keyDescription: string;
  readonly scopes: readonly string[];
  /** CIDRs the key may be used from; empty means anywhere. */
  readonly ipAllowlist: readonly string[];
  /** The organization's SCIM toggle (Settings → Security). */
  readonly scimEnabled: boolean;
  /** The organization's IdP compatibility profile: true = strict RFC behaviour. */
  readonly strict: boolean;
}

export type AuthenticationResult =
  | { readonly ok: true; readonly principal: KeyPrincipal }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'expired' | 'revoked' };

/** The API a key is used for: the SCIM API needs a `scim` key, the admin API an `api` key. */
export type KeyUse = 'scim' | 'api';

/** Whether a key may be used for a request: valid (else 401) and allowed here (else 403, with a detail). */
export type AuthorizationResult =
  | { readonly ok: true; readonly principal: KeyPrincipal }
  | { readonly ok: false; readonly status: 401; readonly reason: Exclude<AuthenticationResult, { ok: true }>['reason'] }
  | {
      readonly ok: false;
      readonly status: 403;
      readonly reason: 'wrongKeyType' | 'ipNotAllowed' | 'ipAllowlistInvalid' | 'scimDisabled';
      readonly detail: string;
      /** The key that was refused (its organization is known, e.g. for activity reports). */
      readonly principal: KeyPrincipal;
    };

export interface Authenticator {
  /** Looks the secret up by its hash (constant-time compared) and checks expiry and revocation. */
  authenticate(secret: string): Promise<AuthenticationResult>;
  /**
   * `authenticate`, then the rules of the API it is used for: key type, IP allow-list and, for
   * SCIM, the organization's SCIM toggle (services/key-authorization.ts).
   */
  authorize(secret: string, ip: string | undefined, use: KeyUse): Promise<AuthorizationResult>;
}
