/**
 * The contract between the HTTP edge and the API-key service: a bearer secret in, the caller's
 * organization and key out. The HTTP layer turns failures into 401 and a disabled organization or
 * a caller outside the key's IP allow-list into 403 (docs/clients.md §1.3).
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

export interface Authenticator {
  /** Looks the secret up by its hash (constant-time compared) and checks expiry and revocation. */
  authenticate(secret: string): Promise<AuthenticationResult>;
}
